// Temperature and max-tokens controls shared by /compare and /chat. Empty means "the model's default", so a
// model's own tuned parameters are kept unless the person changes them.
import { h } from "./dom";

export interface ParamControls {
  el: HTMLElement;
  values(): { temperature?: number; maxTokens?: number };
  setDisabled(disabled: boolean): void;
}

export function paramControls(prefix: string): ParamControls {
  const temperature = h("input", {
    id: `${prefix}-temperature`,
    "data-testid": "temperature",
    type: "number",
    min: 0,
    max: 2,
    step: 0.1,
    inputmode: "decimal",
    placeholder: "default (0.7)",
  }) as HTMLInputElement;
  const maxTokens = h("input", {
    id: `${prefix}-max-tokens`,
    "data-testid": "max-tokens",
    type: "number",
    min: 1,
    max: 32000,
    step: 1,
    inputmode: "numeric",
    placeholder: "default (2000)",
  }) as HTMLInputElement;
  const el = h(
    "div",
    { class: "params" },
    h(
      "label",
      { for: temperature.id },
      h("span", {}, "Temperature ", h("span", { class: "muted small" }, "(0–2)")),
      temperature,
    ),
    h(
      "label",
      { for: maxTokens.id },
      h("span", {}, "Max tokens ", h("span", { class: "muted small" }, "(per answer)")),
      maxTokens,
    ),
  );
  const num = (input: HTMLInputElement, min: number, max: number, int: boolean) => {
    if (input.value.trim() === "") return undefined;
    const v = Number(input.value);
    if (!Number.isFinite(v)) return undefined;
    const clamped = Math.min(max, Math.max(min, int ? Math.round(v) : v));
    return clamped;
  };
  return {
    el,
    values: () => {
      const t = num(temperature, 0, 2, false);
      const m = num(maxTokens, 1, 32000, true);
      return { ...(t === undefined ? {} : { temperature: t }), ...(m === undefined ? {} : { maxTokens: m }) };
    },
    setDisabled(disabled) {
      temperature.disabled = disabled;
      maxTokens.disabled = disabled;
    },
  };
}
