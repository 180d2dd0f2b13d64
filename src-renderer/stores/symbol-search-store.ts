import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  isTimeframe,
  TIMEFRAME_MS,
  venueKey,
  type Instrument,
  type SeriesSummary,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import type { ChartStore } from './chart-store'
import type { WatchlistStore } from './watchlist-store'

/** Most results listed. */
export const SEARCH_LIMIT = 50

/** What Enter does with the highlighted series: open it on the chart, or add it to the watchlist. */
export type SearchMode = 'chart' | 'watch'

/** The keyboard-first symbol search over stored series: open, query, highlighted row, and what choosing does. */
export interface SymbolSearchState {
  readonly open: boolean
  readonly mode: SearchMode
  readonly query: string
  /** Index of the highlighted result. */
  readonly active: number
  /** Instrument kinds (spot, perp, …) by `SYMBOL.VENUE`, read when the search first opens. */
  readonly kinds: Readonly<Record<string, Instrument['kind']>>
  readonly error?: string
  openSearch(mode?: SearchMode): void
  close(): void
  setQuery(query: string): void
  /** Moves the highlight by `delta` rows, wrapping around. */
  move(delta: number): void
  /** Charts (or watches) result `index` (default: the highlighted one) and closes. */
  choose(index?: number): Promise<void>
}

export type SymbolSearchStore = StoreApi<SymbolSearchState>

/** A symbol as typed, reduced for matching: `eth/btc`, `ETH-BTC`, `eth_btc` all read `ETHBTC`. */
const squash = (s: string) => s.toUpperCase().replace(/[\s/_-]+/g, '')

/**
 * Stored series matching a query, best first. Words that are timeframes (`5m`, `1h`) keep only that timeframe; other
 * words must match the symbol (pair separators ignored: `xrp/usdt`) or the venue. Symbol prefixes rank before other
 * matches, then the live feed's series, then symbol, venue and shorter timeframes.
 */
export function searchSeries(series: readonly SeriesSummary[], query: string): SeriesSummary[] {
  const words = query.trim().split(/\s+/).filter(Boolean)
  const tfs = words.filter(isTimeframe)
  const texts = words
    .filter((w) => !isTimeframe(w))
    .map(squash)
    .filter(Boolean)
  const scored: { s: SeriesSummary; rank: number }[] = []
  for (const s of series) {
    if (tfs.length && !tfs.includes(s.timeframe)) continue
    const symbol = squash(s.symbol)
    const venue = venueKey(s.venue)
    let rank = 0
    let ok = true
    for (const t of texts) {
      if (symbol.startsWith(t)) continue
      if (symbol.includes(t)) rank = Math.max(rank, 1)
      else if (venue.startsWith(t)) rank = Math.max(rank, 2)
      else ok = false
    }
    if (ok) scored.push({ s, rank })
  }
  scored.sort(
    (a, b) =>
      a.rank - b.rank ||
      Number(!!b.s.primary) - Number(!!a.s.primary) ||
      a.s.symbol.localeCompare(b.s.symbol) ||
      a.s.venue.localeCompare(b.s.venue) ||
      TIMEFRAME_MS[a.s.timeframe] - TIMEFRAME_MS[b.s.timeframe],
  )
  return scored.slice(0, SEARCH_LIMIT).map((x) => x.s)
}

/** The symbol search store: results come from the chart store's series; choosing selects the chart or adds a watch row. */
export function createSymbolSearchStore(
  api: Pick<WorkstationApi, 'listInstruments'>,
  chart: ChartStore,
  watchlist: WatchlistStore,
): SymbolSearchStore {
  let kindsRead = false
  return createStore<SymbolSearchState>()((set, get) => ({
    open: false,
    mode: 'chart',
    query: '',
    active: 0,
    kinds: {},

    openSearch: (mode = 'chart') => {
      set({ open: true, mode, query: '', active: 0, error: undefined })
      if (kindsRead) return
      kindsRead = true
      api.listInstruments().then(
        (list) => set({ kinds: Object.fromEntries(list.map((i) => [`${i.symbol}.${i.venue}`, i.kind])) }),
        (err: unknown) => {
          kindsRead = false
          set({ error: `instrument kinds could not be read: ${errorLine(err)}` })
        },
      )
    },

    close: () => set({ open: false }),

    setQuery: (query) => set({ query, active: 0 }),

    move: (delta) => {
      const n = searchSeries(chart.getState().series, get().query).length
      if (n === 0) return
      set({ active: (((get().active + delta) % n) + n) % n })
    },

    choose: async (index) => {
      const hit = searchSeries(chart.getState().series, get().query)[index ?? get().active]
      if (!hit) return
      const row = { symbol: hit.symbol, venue: hit.venue, timeframe: hit.timeframe }
      set({ open: false })
      if (get().mode === 'watch') await watchlist.getState().add(row)
      else await chart.getState().select(row)
    },
  }))
}
