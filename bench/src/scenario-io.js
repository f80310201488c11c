Object.defineProperty(exports, '__esModule', { value: true });
exports.readSettings = readSettings;
exports.peakRssMb = peakRssMb;
exports.report = report;
function readSettings(env) {
  var _a, _b, _c, _d;
  var settings = {
    apiUrl: (_a = env.BENCH_API_URL) !== null && _a !== void 0 ? _a : '',
    apiKey: (_b = env.BENCH_API_KEY) !== null && _b !== void 0 ? _b : '',
    records: Number(env.BENCH_N),
    databaseUrl: (_c = env.BENCH_DATABASE_URL) !== null && _c !== void 0 ? _c : '',
    dataset: (_d = env.BENCH_DATASET) !== null && _d !== void 0 ? _d : '',
  };
  if (
    !settings.apiUrl ||
    !settings.databaseUrl ||
    !settings.dataset ||
    !Number.isSafeInteger(settings.records)
  ) {
    throw new Error(
      'bench scenario started without BENCH_API_URL, BENCH_N, BENCH_DATABASE_URL and BENCH_DATASET',
    );
  }
  return settings;
}
function peakRssMb() {
  return process.resourceUsage().maxRSS / 1024;
}
function report(result) {
  process.stdout.write(''.concat(JSON.stringify(result), '\n'));
}
