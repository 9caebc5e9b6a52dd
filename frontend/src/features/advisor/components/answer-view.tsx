import { Link } from "react-router";
import type { AdvisorAnswer, Fact } from "@/features/advisor/api/ask-advisor";
import { citationTarget, factLabel, formatFact, splitCitations } from "@/features/advisor/utils/citations";
import { paths } from "@/config/paths";

function SourceLink({ fact, children }: { fact: Fact; children: React.ReactNode }) {
  const target = citationTarget(fact);
  if (!target) return <>{children}</>;
  if (target.external) {
    return (
      <a href={target.href} rel="noreferrer">
        {children}
      </a>
    );
  }
  return <Link to={target.href}>{children}</Link>;
}

/** The answer's text; a model's citations ("[id]") become links to what each fact cites. */
function AnswerText({ answer }: { answer: AdvisorAnswer }) {
  const facts = new Map(answer.facts.map((f, i) => [f.id, { fact: f, n: i + 1 }]));
  return (
    <p className="advisor-text">
      {splitCitations(answer.text).map((part, i) => {
        if ("text" in part) return <span key={i}>{part.text}</span>;
        const cited = facts.get(part.factId);
        if (!cited) return null; // the server serves no unknown citation; nothing to link if one slipped by
        return (
          <sup key={i}>
            <SourceLink fact={cited.fact}>
              <span aria-hidden="true">[{cited.n}]</span>
              <span className="visually-hidden">source {cited.n}: {cited.fact.source.title}</span>
            </SourceLink>
          </sup>
        );
      })}
    </p>
  );
}

/** One answer: its text, the facts with value, unit and source, and the suggested products. */
export function AnswerView({ answer }: { answer: AdvisorAnswer }) {
  return (
    <div className="advisor-answer">
      <AnswerText answer={answer} />
      {answer.relaxed ? <p className="note">Found with a looser search: not every word of the question matched.</p> : null}
      {answer.facts.length > 0 ? (
        <details open>
          <summary>Facts behind this answer ({answer.facts.length})</summary>
          <ol className="advisor-facts">
            {answer.facts.map((fact) => (
              <li key={fact.id}>
                <span className="fact-value">{formatFact(fact)}</span>
                {factLabel(fact) ? ` (${factLabel(fact)})` : null}:{" "}
                <SourceLink fact={fact}>{fact.source.title}</SourceLink>
                {fact.source.year ? ` (${fact.source.year})` : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {answer.suggestions.length > 0 ? (
        <>
          <p className="advisor-suggestions-title">Suggested products</p>
          <ul className="advisor-suggestions">
            {answer.suggestions.map((s) => (
              <li key={s.product_id}>
                <Link to={paths.product.href(s.product_id)}>{s.name}</Link>: {s.kg_co2e.toFixed(2)} kg CO2e, saves{" "}
                {s.saving_kg.toFixed(2)} kg ({s.saving_pct.toFixed(1)}%)
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {answer.facts.length > 0 ? (
        <p className="note">
          {answer.wording === "model"
            ? "Worded by a language model; every number was checked against the facts."
            : "Every number comes from the facts listed."}
        </p>
      ) : null}
    </div>
  );
}
