/**
 * Newer/Older over keyset pages: `cursors` are the cursors of the pages opened so far (the first page
 * has none), `next` the current page's `next_cursor`.
 */
export function CursorPager({ cursors, next, onChange }: { cursors: string[]; next: string | null | undefined; onChange: (cursors: string[]) => void }) {
  return (
    <div className="pager">
      {cursors.length > 0 ? (
        <button type="button" onClick={() => onChange(cursors.slice(0, -1))}>
          Newer
        </button>
      ) : null}
      {next ? (
        <button type="button" onClick={() => onChange([...cursors, next])}>
          Older
        </button>
      ) : null}
    </div>
  );
}
