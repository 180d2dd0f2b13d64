import type Database from 'better-sqlite3'
import { systemClock } from '../../src-shared'

/** One forward-only schema step. Versions are dense and increasing; a shipped migration is never edited. */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly up: string
}

/**
 * The schema, issue by issue. Append new migrations at the end with the next version number.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'foundation: instruments, bars, jobs, settings',
    up: `
      CREATE TABLE instruments (
        id TEXT PRIMARY KEY,
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'other',
        tick_size REAL,
        UNIQUE (symbol, venue)
      );
      CREATE TABLE bars (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        open_time INTEGER NOT NULL,
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        volume REAL NOT NULL,
        quote_volume REAL,
        trades INTEGER,
        taker_buy_volume REAL,
        PRIMARY KEY (symbol, venue, timeframe, open_time)
      ) WITHOUT ROWID;
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        progress REAL NOT NULL DEFAULT 0,
        message TEXT NOT NULL DEFAULT '',
        params TEXT,
        result TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX jobs_created ON jobs (created_at);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'market events: trades, funding, mark prices, liquidations, book tops',
    up: `
      CREATE TABLE trades (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        trade_id TEXT NOT NULL,
        time INTEGER NOT NULL,
        price REAL NOT NULL,
        qty REAL NOT NULL,
        side TEXT CHECK (side IN ('buy', 'sell')),
        PRIMARY KEY (symbol, venue, trade_id)
      ) WITHOUT ROWID;
      CREATE INDEX trades_time ON trades (symbol, venue, time);
      CREATE TABLE funding (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        rate REAL NOT NULL,
        mark_price REAL,
        PRIMARY KEY (symbol, venue, time)
      ) WITHOUT ROWID;
      CREATE TABLE mark_prices (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        price REAL NOT NULL,
        index_price REAL,
        PRIMARY KEY (symbol, venue, time)
      ) WITHOUT ROWID;
      CREATE TABLE liquidations (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
        price REAL NOT NULL,
        qty REAL NOT NULL,
        PRIMARY KEY (symbol, venue, time, side, price, qty)
      ) WITHOUT ROWID;
      CREATE TABLE book_tops (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        bid_price REAL NOT NULL,
        bid_qty REAL NOT NULL,
        ask_price REAL NOT NULL,
        ask_qty REAL NOT NULL,
        PRIMARY KEY (symbol, venue, time)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'model registry: versions, aliases + append-only history, promotion gates, A/B tests, drift reports, retraining',
    up: `
      CREATE TABLE models (
        id TEXT PRIMARY KEY CHECK (length(id) = 64),
        name TEXT NOT NULL,
        card TEXT NOT NULL,
        lineage TEXT NOT NULL,
        metrics TEXT NOT NULL,
        tags TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        onnx BLOB NOT NULL,
        size INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX models_name ON models (name, created_at);
      CREATE TABLE aliases (
        name TEXT NOT NULL,
        alias TEXT NOT NULL CHECK (alias IN ('champion', 'challenger', 'shadow')),
        version_id TEXT NOT NULL REFERENCES models (id),
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (name, alias)
      ) WITHOUT ROWID;
      CREATE TABLE alias_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        from_version TEXT REFERENCES models (id),
        to_version TEXT REFERENCES models (id),
        time INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('set', 'promote', 'rollback', 'clear')),
        actor TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX alias_history_name ON alias_history (name, alias, time);
      CREATE TRIGGER alias_history_no_update BEFORE UPDATE ON alias_history BEGIN SELECT RAISE(ABORT, 'alias_history is append-only'); END;
      CREATE TRIGGER alias_history_no_delete BEFORE DELETE ON alias_history BEGIN SELECT RAISE(ABORT, 'alias_history is append-only'); END;
      CREATE TABLE promotion_gates (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        candidate TEXT NOT NULL REFERENCES models (id),
        champion TEXT REFERENCES models (id),
        time INTEGER NOT NULL,
        passed INTEGER NOT NULL,
        result TEXT NOT NULL
      );
      CREATE INDEX promotion_gates_candidate ON promotion_gates (candidate, time);
      CREATE TABLE ab_tests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        champion TEXT NOT NULL REFERENCES models (id),
        challenger TEXT NOT NULL REFERENCES models (id),
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        status TEXT NOT NULL CHECK (status IN ('running', 'won', 'expired', 'stopped')),
        winner TEXT REFERENCES models (id),
        config TEXT NOT NULL,
        result TEXT
      );
      CREATE INDEX ab_tests_name ON ab_tests (name, started_at);
      CREATE TABLE ab_samples (
        test_id INTEGER NOT NULL REFERENCES ab_tests (id),
        time INTEGER NOT NULL,
        probs_champion TEXT NOT NULL,
        probs_challenger TEXT NOT NULL,
        outcome INTEGER,
        resolved_at INTEGER,
        PRIMARY KEY (test_id, time)
      ) WITHOUT ROWID;
      CREATE TABLE drift_reports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        version_id TEXT NOT NULL REFERENCES models (id),
        time INTEGER NOT NULL,
        health TEXT NOT NULL CHECK (health IN ('healthy', 'degrading', 'failed')),
        report TEXT NOT NULL
      );
      CREATE INDEX drift_reports_name ON drift_reports (name, time);
      CREATE TABLE retraining_policies (
        name TEXT PRIMARY KEY,
        policy TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE retraining_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        time INTEGER NOT NULL,
        reasons TEXT NOT NULL,
        version_id TEXT REFERENCES models (id),
        result TEXT NOT NULL
      );
      CREATE INDEX retraining_runs_name ON retraining_runs (name, time);
    `,
  },
  {
    version: 4,
    name: 'feature cache keyed by (spec hash, series, time), invalidated by bar changes',
    up: `
      CREATE TABLE feature_cache (
        spec_hash TEXT NOT NULL,
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        time INTEGER NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (symbol, venue, timeframe, spec_hash, time)
      ) WITHOUT ROWID;
      -- Features at t depend on every bar up to t: a bar changed or removed invalidates its time and later. Inserts
      -- are invalidated once per batch by SqliteBarStore (a per-row trigger cost a third of import throughput).
      CREATE TRIGGER bars_update_invalidates_features AFTER UPDATE ON bars
      WHEN OLD.open IS NOT NEW.open OR OLD.high IS NOT NEW.high OR OLD.low IS NOT NEW.low OR OLD.close IS NOT NEW.close
        OR OLD.volume IS NOT NEW.volume OR OLD.taker_buy_volume IS NOT NEW.taker_buy_volume OR OLD.open_time IS NOT NEW.open_time
      BEGIN
        DELETE FROM feature_cache WHERE symbol = OLD.symbol AND venue = OLD.venue AND timeframe = OLD.timeframe AND time >= OLD.open_time;
      END;
      CREATE TRIGGER bars_delete_invalidates_features AFTER DELETE ON bars
      BEGIN
        DELETE FROM feature_cache WHERE symbol = OLD.symbol AND venue = OLD.venue AND timeframe = OLD.timeframe AND time >= OLD.open_time;
      END;
    `,
  },
  {
    version: 5,
    name: 'predictions: one row per model forecast, resolved as hit or miss when its horizon has passed',
    up: `
      CREATE TABLE predictions (
        id INTEGER PRIMARY KEY,
        model_version TEXT NOT NULL,
        model_name TEXT NOT NULL,
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        time INTEGER NOT NULL,
        horizon INTEGER NOT NULL,
        target_time INTEGER NOT NULL,
        probabilities TEXT NOT NULL,
        confidence REAL NOT NULL,
        quality REAL NOT NULL,
        transition INTEGER NOT NULL,
        size_multiplier REAL NOT NULL,
        current_regime INTEGER NOT NULL,
        close REAL NOT NULL,
        sigma REAL,
        outcome INTEGER,
        hit INTEGER,
        resolved_at INTEGER,
        UNIQUE (model_version, symbol, venue, timeframe, time)
      );
      CREATE INDEX predictions_series ON predictions (symbol, venue, timeframe, horizon, time);
      CREATE INDEX predictions_unresolved ON predictions (symbol, venue, timeframe, target_time) WHERE resolved_at IS NULL;
    `,
  },
  {
    version: 6,
    name: 'backtests: runs (config, metrics with and without ML, ML summary), their trades and equity curves',
    up: `
      CREATE TABLE backtests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        strategy TEXT NOT NULL,
        symbols TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        ml INTEGER NOT NULL,
        from_time INTEGER NOT NULL,
        to_time INTEGER NOT NULL,
        config TEXT NOT NULL,
        metrics TEXT NOT NULL,
        ml_metrics TEXT,
        ml_summary TEXT
      );
      CREATE TABLE backtest_trades (
        backtest_id INTEGER NOT NULL REFERENCES backtests (id),
        variant TEXT NOT NULL CHECK (variant IN ('base', 'ml')),
        seq INTEGER NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        qty REAL NOT NULL,
        entry_time INTEGER NOT NULL,
        entry_price REAL NOT NULL,
        exit_time INTEGER NOT NULL,
        exit_price REAL NOT NULL,
        exit_reason TEXT NOT NULL,
        pnl REAL NOT NULL,
        r REAL,
        fees REAL NOT NULL,
        confidence REAL NOT NULL,
        ml_probability REAL,
        signal_quality INTEGER NOT NULL,
        profitable INTEGER NOT NULL,
        PRIMARY KEY (backtest_id, variant, seq)
      ) WITHOUT ROWID;
      CREATE TABLE backtest_equity (
        backtest_id INTEGER NOT NULL REFERENCES backtests (id),
        variant TEXT NOT NULL CHECK (variant IN ('base', 'ml')),
        seq INTEGER NOT NULL,
        time INTEGER NOT NULL,
        equity REAL NOT NULL,
        PRIMARY KEY (backtest_id, variant, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'alerts: predictive alerts of a basket (DOMAIN.md §2) with model version, probabilities, acknowledgement and outcome',
    up: `
      CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('S2', 'S3')),
        time INTEGER NOT NULL,
        target_time INTEGER NOT NULL,
        horizon_hours REAL NOT NULL,
        probability REAL NOT NULL,
        p_rf REAL NOT NULL,
        p_gbdt REAL NOT NULL,
        confidence REAL NOT NULL,
        escalated INTEGER NOT NULL,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        basket TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        assets TEXT NOT NULL,
        acknowledged_at INTEGER,
        outcome TEXT CHECK (outcome IN ('hit', 'miss')),
        resolved_at INTEGER
      );
      CREATE INDEX alerts_time ON alerts (time);
      CREATE INDEX alerts_unresolved ON alerts (basket, target_time) WHERE resolved_at IS NULL;
    `,
  },
  {
    version: 8,
    name: 'feature cache: drop the per-row insert trigger of databases created before migration 4 lost it; index the invalidation range',
    up: `
      -- Migration 4 once created this trigger (a cache delete per inserted bar); SqliteBarStore now invalidates once per batch.
      DROP TRIGGER IF EXISTS bars_insert_invalidates_features;
      -- The bars update/delete triggers delete (symbol, venue, timeframe) AND time >= t: without this index that is a scan
      -- of every spec hash's rows of the series (the primary key has spec_hash before time).
      CREATE INDEX IF NOT EXISTS feature_cache_series_time ON feature_cache (symbol, venue, timeframe, time);
    `,
  },
  {
    version: 9,
    name: 'bars keyed by (series id, open time): a series table names each (symbol, venue, timeframe) once',
    up: `
      -- Every bar repeated three strings in its key, and every B-tree step compared them: an integer series id makes rows
      -- ~20 bytes smaller and a 1M-bar insert ~15 % less CPU. No REFERENCES clause: a foreign-key probe per inserted bar would
      -- cost more than it saves; SqliteBarStore is the only writer and creates the series row first.
      CREATE TABLE series (
        id INTEGER PRIMARY KEY,
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        UNIQUE (symbol, venue, timeframe)
      );
      INSERT INTO series (symbol, venue, timeframe) SELECT DISTINCT symbol, venue, timeframe FROM bars ORDER BY symbol, venue, timeframe;
      CREATE TABLE bars_by_series (
        series_id INTEGER NOT NULL,
        open_time INTEGER NOT NULL,
        open REAL NOT NULL,
        high REAL NOT NULL,
        low REAL NOT NULL,
        close REAL NOT NULL,
        volume REAL NOT NULL,
        quote_volume REAL,
        trades INTEGER,
        taker_buy_volume REAL,
        PRIMARY KEY (series_id, open_time)
      ) WITHOUT ROWID;
      INSERT INTO bars_by_series (series_id, open_time, open, high, low, close, volume, quote_volume, trades, taker_buy_volume)
        SELECT s.id, b.open_time, b.open, b.high, b.low, b.close, b.volume, b.quote_volume, b.trades, b.taker_buy_volume
        FROM bars b JOIN series s ON s.symbol = b.symbol AND s.venue = b.venue AND s.timeframe = b.timeframe
        ORDER BY s.id, b.open_time;
      -- Dropping the old table drops its feature-cache triggers; they are recreated below on the series id.
      DROP TABLE bars;
      ALTER TABLE bars_by_series RENAME TO bars;
      CREATE TRIGGER bars_update_invalidates_features AFTER UPDATE ON bars
      WHEN OLD.open IS NOT NEW.open OR OLD.high IS NOT NEW.high OR OLD.low IS NOT NEW.low OR OLD.close IS NOT NEW.close
        OR OLD.volume IS NOT NEW.volume OR OLD.taker_buy_volume IS NOT NEW.taker_buy_volume OR OLD.open_time IS NOT NEW.open_time
        OR OLD.series_id IS NOT NEW.series_id
      BEGIN
        DELETE FROM feature_cache WHERE symbol = (SELECT symbol FROM series WHERE id = OLD.series_id)
          AND venue = (SELECT venue FROM series WHERE id = OLD.series_id)
          AND timeframe = (SELECT timeframe FROM series WHERE id = OLD.series_id) AND time >= OLD.open_time;
      END;
      CREATE TRIGGER bars_delete_invalidates_features AFTER DELETE ON bars
      BEGIN
        DELETE FROM feature_cache WHERE symbol = (SELECT symbol FROM series WHERE id = OLD.series_id)
          AND venue = (SELECT venue FROM series WHERE id = OLD.series_id)
          AND timeframe = (SELECT timeframe FROM series WHERE id = OLD.series_id) AND time >= OLD.open_time;
      END;
    `,
  },
  {
    version: 10,
    name: 'alerts: muted (scored by a model without walk-forward skill, kept for its live record) and escalation time',
    up: `
      -- DOMAIN.md §2: a model that does not beat its baselines runs muted — its alerts are stored and resolved (its live
      -- record) but not shown or published; an S3 inside the type's interval raises the open S2 (escalated_at says when).
      ALTER TABLE alerts ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE alerts ADD COLUMN escalated_at INTEGER;
      ALTER TABLE alerts ADD COLUMN escalated_probability REAL;
    `,
  },
  {
    version: 11,
    name: 'signals: every strategy signal, taken or skipped, with its ML probability and model version',
    up: `
      -- DOMAIN.md §4: one row per entry signal of a strategy on a series (live node and its warm-up); NULL
      -- ml_probability = no model scored it. A re-run warm-up keeps the first record of a bar (INSERT OR IGNORE).
      CREATE TABLE signals (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time INTEGER NOT NULL,
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        strategy TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('long', 'short')),
        score REAL,
        base_confidence REAL NOT NULL,
        ml_probability REAL,
        enhanced_confidence REAL NOT NULL,
        tier REAL NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('taken', 'skipped')),
        reason TEXT NOT NULL,
        ml INTEGER NOT NULL,
        model_version TEXT,
        UNIQUE (strategy, venue, symbol, timeframe, time)
      );
      CREATE INDEX signals_by_time ON signals (time);
    `,
  },
  {
    version: 12,
    name: 'market events: partial order-book depth snapshots (bounded retention, like book tops)',
    up: `
      -- Partial depth (Binance @depth20): the levels as JSON arrays of [price, qty], best first. Keyed by time so a
      -- reconnect that replays a snapshot overwrites it instead of adding a row; old rows are pruned by retention.
      CREATE TABLE book_depth (
        symbol TEXT NOT NULL,
        venue TEXT NOT NULL,
        time INTEGER NOT NULL,
        bids TEXT NOT NULL,
        asks TEXT NOT NULL,
        PRIMARY KEY (symbol, venue, time)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    name: 'sweeps: a parameter grid backtested per symbol, one row per backtest (in-sample and out-of-sample metrics)',
    up: `
      -- A sweep's rows arrive as its backtests finish (worker threads or BullMQ workers); (sweep_id, cell) is the
      -- backtest's identity, so a shard delivered twice (a retried or stalled job) stores each row once.
      CREATE TABLE sweeps (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at INTEGER NOT NULL,
        strategy TEXT NOT NULL,
        symbols TEXT NOT NULL,
        venue TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        ml INTEGER NOT NULL,
        grid TEXT NOT NULL,
        config TEXT NOT NULL,
        split REAL NOT NULL,
        metric TEXT NOT NULL,
        total INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed'))
      );
      CREATE TABLE sweep_results (
        sweep_id INTEGER NOT NULL REFERENCES sweeps (id),
        cell INTEGER NOT NULL,
        symbol TEXT NOT NULL,
        params TEXT NOT NULL,
        in_sample TEXT NOT NULL,
        out_of_sample TEXT,
        PRIMARY KEY (sweep_id, cell)
      ) WITHOUT ROWID;
    `,
  },
]

/** Schema version the code expects. */
export function latestSchemaVersion(extra: readonly Migration[] = []): number {
  return Math.max(0, ...MIGRATIONS.map((m) => m.version), ...extra.map((m) => m.version))
}

/**
 * Applies every pending migration, each in its own transaction, and records it in `schema_migrations`.
 * Refuses a database written by a newer Armada (its version is above ours).
 */
export function migrate(
  db: Database.Database,
  extra: readonly Migration[] = [],
  log: (line: string) => void = (line) => console.error(line),
): number {
  const all = [...MIGRATIONS, ...extra].sort((a, b) => a.version - b.version)
  all.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not dense at version ${m.version} (${m.name})`)
  })
  db.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  )
  const current = (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
  if (current > all.length) {
    const err = new Error(
      `schema version ${current} is newer than this Armada understands (${all.length}); upgrade Armada`,
    )
    ;(err as { code?: string }).code = 'ARMADA_NEWER_SCHEMA'
    throw err
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
  // An existing database being upgraded says so: a migration that rebuilds a table can take a while on a big file.
  if (current > 0 && current < all.length)
    log(
      `[armada] upgrading database ${db.name} from schema ${current} to ${all.length} (${all
        .slice(current)
        .map((m) => m.name)
        .join('; ')})…`,
    )
  for (const m of all.slice(current)) {
    db.transaction(() => {
      db.exec(m.up)
      record.run(m.version, m.name, systemClock.now())
    }).immediate()
  }
  return all.length
}

/** Schema version recorded in the database. */
export function schemaVersion(db: Database.Database): number {
  return (db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v
}
