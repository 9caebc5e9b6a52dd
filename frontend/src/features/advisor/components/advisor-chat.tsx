import { useId, useState } from "react";
import { ErrorPanel } from "@/components/errors/error-panel";
import { type AdvisorAnswer, useAskAdvisor } from "@/features/advisor/api/ask-advisor";
import { AnswerView } from "@/features/advisor/components/answer-view";

const EXAMPLES = [
  "Which of my purchases had the biggest footprint?",
  "How much have I saved this year?",
  "What is one change that would cut my footprint most?",
];
const MAX_QUESTION = 500;

type Exchange = { question: string; answer: AdvisorAnswer };

/** The advisor's chat panel. The exchange lives in this component only: the server keeps no conversation. */
export default function AdvisorChat() {
  const [question, setQuestion] = useState("");
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const ask = useAskAdvisor();
  const inputId = useId();

  const send = (text: string) => {
    const asked = text.trim();
    if (!asked || ask.isPending) return;
    ask.mutate(asked, {
      onSuccess: (answer) => {
        setExchanges((previous) => [...previous, { question: asked, answer }]);
        setQuestion("");
      },
    });
  };

  return (
    <section className="advisor-chat" aria-labelledby={`${inputId}-heading`}>
      <h2 id={`${inputId}-heading`}>Ask the sustainability advisor</h2>
      <p className="note">It answers from your orders, the catalog's footprints and the emission factors, and cites each figure.</p>
      <ol className="advisor-log" aria-live="polite" aria-label="Conversation">
        {exchanges.map((exchange, i) => (
          <li key={i}>
            <p className="advisor-question">
              <span className="visually-hidden">You asked: </span>
              {exchange.question}
            </p>
            <AnswerView answer={exchange.answer} />
          </li>
        ))}
      </ol>
      {ask.isError ? <ErrorPanel error={ask.error} title="The advisor could not answer" /> : null}
      <form
        className="advisor-form"
        onSubmit={(event) => {
          event.preventDefault();
          send(question);
        }}
      >
        <label htmlFor={inputId}>Your question</label>
        <div className="inline">
          <input
            id={inputId}
            type="text"
            value={question}
            maxLength={MAX_QUESTION}
            onChange={(e) => setQuestion(e.target.value)}
            placeholder="e.g. greener alternative to a plastic lunch box"
          />
          <button type="submit" disabled={ask.isPending || !question.trim()}>
            {ask.isPending ? "Asking…" : "Ask"}
          </button>
        </div>
      </form>
      <ul className="chips" aria-label="Example questions">
        {EXAMPLES.map((example) => (
          <li key={example}>
            <button type="button" className="chip" disabled={ask.isPending} onClick={() => send(example)}>
              {example}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
