import { createStore, type StoreApi } from 'zustand/vanilla'
import {
  DISPLAY_ZONE_SETTING,
  displayZoneChoice,
  resolveDisplayZone,
  type Disposable,
  type DisplayZoneChoice,
  type WorkstationApi,
} from '../../src-shared'
import { errorLine } from '../api'
import type { ChartStore } from './chart-store'

/** How times are shown: the trader's choice (setting `display.timeZone`) and the zone it means right now. */
export interface DisplayState {
  readonly choice: DisplayZoneChoice
  /** The computer's zone (what `local` means). */
  readonly localZone: string
  /** Venue of the charted instrument (what `exchange` means). */
  readonly venue?: string
  /** The IANA zone every time is shown in. */
  readonly zone: string
  /** A failed read or write of the setting, one line. */
  readonly error?: string
  /** Reads the stored choice. */
  load(): Promise<void>
  /** Switches the zone at once and stores the choice; reverts when the write fails. */
  setChoice(choice: DisplayZoneChoice): Promise<void>
  /** The charted instrument's venue changed. */
  setVenue(venue: string | undefined): void
}

/** The display store as built by {@link createDisplayStore}. */
export type DisplayStore = StoreApi<DisplayState>

/** The display-zone store over `getSetting`/`setSetting`; `localZone` is the computer's IANA zone. */
export function createDisplayStore(
  api: Pick<WorkstationApi, 'getSetting' | 'setSetting'>,
  localZone: string,
): DisplayStore {
  return createStore<DisplayState>()((set, get) => {
    const resolved = (choice: DisplayZoneChoice, venue: string | undefined) => ({
      choice,
      venue,
      zone: resolveDisplayZone(choice, venue, localZone),
    })
    return {
      choice: 'utc',
      localZone,
      zone: 'UTC',
      load: async () => {
        try {
          set({
            ...resolved(displayZoneChoice(await api.getSetting({ key: DISPLAY_ZONE_SETTING })), get().venue),
            error: undefined,
          })
        } catch (err) {
          set({ error: errorLine(err) })
        }
      },
      setChoice: async (choice) => {
        const before = get().choice
        set({ ...resolved(choice, get().venue), error: undefined })
        try {
          await api.setSetting({ key: DISPLAY_ZONE_SETTING, value: choice })
        } catch (err) {
          set({ ...resolved(before, get().venue), error: errorLine(err) })
        }
      },
      setVenue: (venue) => {
        if (venue !== get().venue) set(resolved(get().choice, venue))
      },
    }
  })
}

/**
 * Wires the display store: follows the chart's venue and hands every resolved zone to `apply` (the time formatters),
 * first the current one. Dispose to detach.
 */
export function startDisplayStore(store: DisplayStore, chart: ChartStore, apply: (zone: string) => void): Disposable {
  store.getState().setVenue(chart.getState().selection?.venue)
  apply(store.getState().zone)
  const unChart = chart.subscribe((s, prev) => {
    if (s.selection?.venue !== prev.selection?.venue) store.getState().setVenue(s.selection?.venue)
  })
  const unZone = store.subscribe((s, prev) => {
    if (s.zone !== prev.zone) apply(s.zone)
  })
  return {
    dispose: () => {
      unChart()
      unZone()
    },
  }
}
