/**
 * What the destination needs from a connection or a transaction. Statements run in the order they
 * are called, and a caller may call the next before the previous one is answered: within a
 * transaction they run one after another on its connection (a failed one makes the rest fail),
 * and the transaction's COMMIT or ROLLBACK runs after all of them.
 */
export interface SqlExecutor {
  /** Runs one statement with `$1`-style parameters and returns its rows. */
  query<ResultRow = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<ResultRow[]>;
  /**
   * Runs `COPY <table> (<columns>) FROM STDIN` with `data` in Postgres text format, as UTF-8
   * bytes (one line per row, tab-separated, `\N` for NULL).
   */
  copyFrom(copySql: string, data: Uint8Array): Promise<void>;
}

/** A small SQL client over `pg` or PGlite; the destination has one code path over it. */
export interface SqlClient extends SqlExecutor {
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK (and rethrow) when it rejects. */
  transaction<Result>(work: (transaction: SqlExecutor) => Promise<Result>): Promise<Result>;
  /**
   * True for an embedded PGlite: a single-user Postgres, which runs no autovacuum. Undefined for a
   * server.
   */
  readonly embedded?: boolean;
  /** Releases what the client owns (a pool it created, a PGlite instance it opened). */
  close(): Promise<void>;
}
