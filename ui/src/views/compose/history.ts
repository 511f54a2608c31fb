// The editor's undo and redo: a stack of deployment texts, one per edit. It outlives the tab
// (kept per open file in this module) so switching to Simulation and back keeps the history.

export type History = {
  texts: string[];
  /** Index of the text on screen. */
  at: number;
  /** The text the app last accepted through `onEdit` (`null`: the bundled example text). */
  appText: string | null;
};

const MAX = 200;
const kept = new Map<string, History>();

export function start(text: string, appText: string | null): History {
  return { texts: [text], at: 0, appText };
}

/** The history kept for `file`, if the app still holds the text it was left with. */
export function resume(file: string, appText: string | null): History | null {
  const h = kept.get(file);
  return h && h.appText === appText ? h : null;
}

export function keep(file: string, h: History): void {
  kept.set(file, h);
}

export function current(h: History): string {
  return h.texts[h.at]!;
}

/** A new text after the current one; whatever could be redone is dropped. */
export function push(h: History, text: string): History {
  const texts = [...h.texts.slice(0, h.at + 1), text].slice(-MAX);
  return { ...h, texts, at: texts.length - 1 };
}

export const canUndo = (h: History) => h.at > 0;
export const canRedo = (h: History) => h.at < h.texts.length - 1;
export const undo = (h: History): History => (canUndo(h) ? { ...h, at: h.at - 1 } : h);
export const redo = (h: History): History => (canRedo(h) ? { ...h, at: h.at + 1 } : h);
