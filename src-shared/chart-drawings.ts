/**
 * Chart drawings as the trader places them and the settings store keeps them: anchored to time and price (not to
 * bars or pixels), so they stay put while the chart pans or zooms and on every timeframe of the instrument.
 */

/** A point of a drawing: a time (ms UTC, not necessarily a bar's open time) and a price. */
export interface DrawingPoint {
  readonly time: number
  readonly price: number
}

/** A horizontal level at a price, or a trendline between two time/price anchors. */
export type Drawing =
  | { readonly id: string; readonly kind: 'level'; readonly price: number }
  | { readonly id: string; readonly kind: 'trendline'; readonly a: DrawingPoint; readonly b: DrawingPoint }

/** Drawing tools: a level is placed with one click, a trendline with two. */
export type DrawingTool = Drawing['kind']
