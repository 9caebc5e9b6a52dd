/** A text field of a form as a string: "" when it is missing (or, for a file input, not text). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
