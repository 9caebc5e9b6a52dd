type Option = { value: string; count: number };

type Props = {
  name: string;
  legend: string;
  options: Option[];
  selected: string | null;
  label?: (value: string) => string;
  onChange: (value: string | null) => void;
};

/** One facet as a radio group with counts; "Any" clears it. Keyboard: arrows move, as radios do. */
export function FacetGroup({ name, legend, options, selected, label = (v) => v, onChange }: Props) {
  if (options.length === 0 && !selected) return null;
  return (
    <fieldset className="facet">
      <legend>{legend}</legend>
      <label>
        <input type="radio" name={name} checked={!selected} onChange={() => onChange(null)} /> Any
      </label>
      {options.map((option) => (
        <label key={option.value}>
          <input
            type="radio"
            name={name}
            value={option.value}
            checked={selected === option.value}
            onChange={() => onChange(option.value)}
          />{" "}
          {label(option.value)} <span className="count">({option.count})</span>
        </label>
      ))}
    </fieldset>
  );
}
