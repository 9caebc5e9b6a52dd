/** The eco score (0-100) as a badge whose words carry the meaning, not only its colour. */
export function ecoBand(score: number): { label: string; tone: string } {
  if (score >= 80) return { label: "excellent", tone: "a" };
  if (score >= 60) return { label: "good", tone: "b" };
  if (score >= 40) return { label: "fair", tone: "c" };
  if (score >= 20) return { label: "poor", tone: "d" };
  return { label: "very poor", tone: "e" };
}

export function EcoBadge({ score, size = "small" }: { score: number | null | undefined; size?: "small" | "large" }) {
  if (score === null || score === undefined) {
    return <span className="eco-badge eco-none">Eco score not rated yet</span>;
  }
  const band = ecoBand(score);
  return (
    <span className={`eco-badge eco-${band.tone} eco-${size}`}>
      Eco score <strong>{score}</strong>/100 <span className="eco-label">({band.label})</span>
    </span>
  );
}
