// Fenced code removal for the demo judge (a fence opens and closes on lines starting with ```).
export function stripFencedCodeBlocks(text: string): string {
  return text.replace(/^```[^\n]*\n[\s\S]*?^```[^\n]*$/gm, "");
}
