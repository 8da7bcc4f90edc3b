// The demo labeller: a deterministic stand-in for an LLM judge, answering each judge prompt in the format the real
// judge is asked for, from simple cues in the prompt. It exists so the judge path (queue, cache, parser, labels,
// categories, export) runs end to end offline; its labels are only as good as these cues.
import type { ChatMessage } from "../../providers";
import type { JudgeFn, JudgeSpec } from "./judge";

const MATH =
  /\b(?:solve|equation|integral|derivative|probability|prove|theorem|calculate|compute|sum of|factor|matrix|algebra|geometry|percent|how many|radius|area of|catch(?:es)? up)\b|\b\d+\s*(?:km\/h|mph|m\/s)|[0-9]\s*[-+*/^=]\s*[0-9a-z(]|x²|√|∫|\b(?:berechne|calcul|résous|résoudre|ecuación|calcula|решите|вычисли)\w*|(?:方程|计算|概率|積分|方程式)/i;
const CREATIVE =
  /\b(?:poem|poetry|story|stories|haiku|limerick|song|lyrics|sonnet|fairy tale|fable|screenplay|script for a|dialogue between|short fiction|novel|bedtime|rap|verse|joke)\b|(?:诗|故事|物語|詩|소설|시를|cuento|poema|histoire|Gedicht|Geschichte|стих|рассказ)/i;
const INSTRUCTION_CUES =
  /\b(?:exactly|at least|at most|no more than|in \d+ words|bullet|numbered|format|table|json|step|steps|must|do not|don't|include|each|first|second|finally|sections?|paragraphs?|words?|tone|style)\b/gi;
const TECHNICAL =
  /\b(?:code|function|algorithm|system|design|optimi[sz]e|architecture|database|proof|equation|physics|chemistry|legal|contract|network|server|configure|implement|compile|statistic|model)\b/i;

/** The prompt between the template's markers. */
function promptOf(messages: ChatMessage[]): string {
  const user = messages.find((m) => m.role === "user")?.content ?? "";
  const m = /<user_prompt>\n?([\s\S]*?)\n?<\/user_prompt>/.exec(user);
  return m ? m[1]! : user;
}

export function demoJudgeAnswer(spec: JudgeSpec, messages: ChatMessage[]): string {
  const prompt = promptOf(messages);
  const words = prompt.split(/\s+/).filter(Boolean).length;
  const cues = new Set((prompt.match(INSTRUCTION_CUES) ?? []).map((c) => c.toLowerCase())).size;
  switch (spec.label) {
    case "math":
      return `<decision>${MATH.test(prompt) ? "yes" : "no"}</decision>`;
    case "creative_writing":
      return `<decision>${CREATIVE.test(prompt) ? "yes" : "no"}</decision>`;
    case "instruction_following":
      return `<score>${Math.min(5, Math.floor(cues / 2) + (words > 40 ? 1 : 0))}</score>`;
    case "hard_prompts": {
      const met: number[] = [];
      if (/\b(?:write|give|show|list|compute|design|explain how)\b/i.test(prompt)) met.push(1);
      if (TECHNICAL.test(prompt) || MATH.test(prompt)) met.push(2);
      if (words > 60 || cues >= 4) met.push(3);
      if (/\b(?:how (?:do|can|would|should)|solve|fix|why does|design|plan|optimi[sz]e)\b/i.test(prompt)) met.push(4);
      if (CREATIVE.test(prompt) || /\b(?:ideas?|suggest|propose|tailor)\b/i.test(prompt)) met.push(5);
      if (TECHNICAL.test(prompt) && (MATH.test(prompt) || /```|\bcode\b|\berror\b/i.test(prompt))) met.push(6);
      if (/\b(?:my|our|we|I am|I'm|project|business|job|team|customer)\b/i.test(prompt)) met.push(7);
      return `[${met.join(", ")}]`;
    }
  }
}

/** The built-in deterministic labeller (LABELLER=demo): offline, so the whole path runs in `npm start` and CI. */
export const demoJudge: JudgeFn = async (spec, messages) => demoJudgeAnswer(spec, messages);
