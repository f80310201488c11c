/** What `restsync --help` prints. */
export const helpText = `Usage: restsync <command> <config> [options]

Commands:
  run <config>        Sync the resources described in <config> into the destination
  validate <config>   Check <config> (and resolve its secrets) offline: no request is sent
  check <config>      Reach the API (the first page of each resource) and the destination; report each
  runs <config> [--limit n]
                      List past loads (status, rows, duration) from _restsync_loads, newest first
  state show <config> [--resource r]
                      Print each resource's stored state: cursor, last run, checkpoint
  state reset <config> --resource r [--yes]
                      Clear a resource's stored state (asks first unless --yes)
  worker --engine <redis url> [--concurrency n] [--destination url]
                      Run units of work of distributed runs until SIGTERM, then drain (docs/scale-out.md)
  schedule <config> --every <duration> | --cron "<pattern>" --engine <redis url>
                      Run the pipeline on a schedule; a worker runs each tick
  schedule list|remove <id> --engine <redis url>
                      List the schedules, or remove one (its id is the pipeline name)
  init [directory] [--force]
                      Write a starter sync.yaml, sync.schema.json, .env.example and .gitignore entries
  schema              Print the config file's JSON Schema (for "$schema" in a config)
  completion bash|zsh|fish
                      Print a shell completion script

<config> is a .json, .yaml/.yml, .js/.mjs or .ts file with
  { pipeline?: { name, dataset }, destination?: <url or object>, source: <rest_api config> }
The source accepts dlt's rest_api form (snake_case keys, "type" strings,
{ "secret": "api_key" } read from the API_KEY environment variable or ./.env) and the camelCase form.

Options:
  --destination <url>  postgres://…, postgresql://…, pglite:<directory>, mongodb://… (overrides the file)
  --dataset <name>     Postgres schema or MongoDB database to load into (overrides the file)
  --json               Print exactly one JSON result object on stdout; everything else goes to stderr
  --json-events        Stream one redacted JSON event per line on stdout, then the --json result object
  --wait <duration>    When another run of the same pipeline and dataset is active, wait up to this
                       long (30s, 5m) for it to finish; without it the run fails at once (exit 1)
  --lease-ttl <duration>  How long this run's lease lasts unless renewed (default 30s): a killed
                       run blocks the next one for at most this long
  --concurrency <n>    Request sequences run at once for parallelized resources (default 4)
  --resource <a,b>     Only these resources; a child resource brings its parents along
  --dry-run            Fetch one page per resource, print sample records and the inferred schema;
                       write nothing
  --limit-pages <n>    Pages per request sequence for --dry-run (implies --dry-run)
  --verbose            One line per HTTP request: method, URL (redacted), status, duration, attempt
  -q, --quiet          No progress and no summary; errors only
  --otel               Export traces and metrics over OTLP (OTEL_EXPORTER_OTLP_* variables);
                       needs @restsync/otel and @opentelemetry/sdk-node installed
  --full-refresh       Ignore stored incremental cursors and checkpoints for this run
  --engine <redis url> run: plan the run and run its units on workers (restsync worker), same output;
                       redis://host:6379[?prefix=name]
  --every, --cron      schedule: every <duration> (15m, 1h) or on a cron pattern ("0 * * * *")
  -h, --help           Show this help
  -v, --version        Show the version

Without a destination in the file or on the command line, data goes to an embedded
PGlite database in ./.restsync/pglite.

Exit codes: 0 success, 1 the sync failed, 2 the config or the command line is wrong.

Examples:
  restsync init && restsync validate sync.yaml && restsync check sync.yaml
  restsync run sync.yaml --dry-run --limit-pages 2
  restsync run sync.yaml --resource issues,comments --verbose
  API_KEY=… restsync run sync.json --destination postgres://user@localhost:5432/db
  restsync run sync.yaml --dataset staging --json > result.json
  restsync state reset sync.json --resource issues --yes
`;
