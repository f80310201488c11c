/** What `restsync --help` prints. */
export const helpText = `Usage: restsync <command> <config> [options]

Commands:
  run <config>        Sync the resources described in <config> into the destination
  validate <config>   Check <config> (and resolve its secrets) without fetching anything
  state show <config> [--resource r]
                      Print each resource's stored state: cursor, last run, checkpoint
  state reset <config> --resource r [--yes]
                      Clear a resource's stored state (asks first unless --yes)

<config> is a .json, .yaml/.yml, .js/.mjs or .ts file with
  { pipeline?: { name, dataset }, destination?: <url or object>, source: <rest_api config> }
  worker --engine <redis url> [--concurrency n] [--destination url]
                      Run units of work of distributed runs until SIGTERM, then drain (docs/scale-out.md)
  schedule <config> --every <duration> | --cron "<pattern>" --engine <redis url>
                      Run the pipeline on a schedule; a worker runs each tick
  schedule list|remove <id> --engine <redis url>
                      List the schedules, or remove one (its id is the pipeline name)
The source accepts dlt's rest_api form (snake_case keys, "type" strings,
{ "secret": "api_key" } read from the API_KEY environment variable or ./.env) and the camelCase form.

Options:
  --destination <url>  postgres://…, postgresql://…, pglite:<directory>, mongodb://… (overrides the file)
  --dataset <name>     Postgres schema or MongoDB database to load into (overrides the file)
  --json               Print exactly one JSON result object on stdout; everything else goes to stderr
  --wait <duration>    When another run of the same pipeline and dataset is active, wait up to this
                       long (30s, 5m) for it to finish; without it the run fails at once (exit 1)
  --lease-ttl <duration>  How long this run's lease lasts unless renewed (default 30s): a killed
                       run blocks the next one for at most this long
  --concurrency <n>    Request sequences run at once for parallelized resources (default 4)
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
  restsync validate sync.json
  API_KEY=… restsync run sync.json --destination postgres://user@localhost:5432/db
  restsync run sync.yaml --dataset staging --json > result.json
  restsync state reset sync.json --resource issues --yes
`;
