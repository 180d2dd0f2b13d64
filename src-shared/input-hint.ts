/**
 * Inputs an error can ask the user to set. The core words the request neutrally (`…; set the timeframe`); each edge
 * rewords it for its users: the CLI names the flag (`pass --timeframe`), the GUI the control (`choose a Timeframe`).
 */
export type InputHint =
  'format' | 'symbol' | 'timeframe' | 'venue' | 'force' | 'database' | 'maxInflated' | 'maxInflateRatio'

/** The neutral words a core message uses to ask for an input; `rewordHints` swaps them for an edge's words. */
export const HINT_WORDS: Readonly<Record<InputHint, string>> = {
  format: 'set the format',
  symbol: 'set the symbol',
  timeframe: 'set the timeframe',
  venue: 'set the venue',
  force: 'force it with a reason',
  database: 'open another database file',
  maxInflated: 'the inflated-size limit',
  maxInflateRatio: 'the inflate-ratio limit',
}

/** A message with every neutral hint (HINT_WORDS) replaced by the words of one interface. */
export function rewordHints(message: string, words: Readonly<Record<InputHint, string>>): string {
  let out = message
  for (const hint of Object.keys(HINT_WORDS) as InputHint[]) out = out.split(HINT_WORDS[hint]).join(words[hint])
  return out
}
