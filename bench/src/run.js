var __assign =
  (this && this.__assign) ||
  function () {
    __assign =
      Object.assign ||
      function (t) {
        for (var s, i = 1, n = arguments.length; i < n; i++) {
          s = arguments[i];
          for (var p in s) if (Object.hasOwn(s, p)) t[p] = s[p];
        }
        return t;
      };
    return __assign.apply(this, arguments);
  };
var __awaiter =
  (this && this.__awaiter) ||
  ((thisArg, _arguments, P, generator) => {
    function adopt(value) {
      return value instanceof P
        ? value
        : new P((resolve) => {
            resolve(value);
          });
    }
    return new (P || (P = Promise))((resolve, reject) => {
      function fulfilled(value) {
        try {
          step(generator.next(value));
        } catch (e) {
          reject(e);
        }
      }
      function rejected(value) {
        try {
          step(generator['throw'](value));
        } catch (e) {
          reject(e);
        }
      }
      function step(result) {
        result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected);
      }
      step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
  });
var __generator =
  (this && this.__generator) ||
  ((thisArg, body) => {
    var _ = {
        label: 0,
        sent: () => {
          if (t[0] & 1) throw t[1];
          return t[1];
        },
        trys: [],
        ops: [],
      },
      f,
      y,
      t,
      g = Object.create((typeof Iterator === 'function' ? Iterator : Object).prototype);
    return (
      (g.next = verb(0)),
      (g['throw'] = verb(1)),
      (g['return'] = verb(2)),
      typeof Symbol === 'function' &&
        (g[Symbol.iterator] = function () {
          return this;
        }),
      g
    );
    function verb(n) {
      return (v) => step([n, v]);
    }
    function step(op) {
      if (f) throw new TypeError('Generator is already executing.');
      while ((g && ((g = 0), op[0] && (_ = 0)), _))
        try {
          if (
            ((f = 1),
            y &&
              (t =
                op[0] & 2
                  ? y['return']
                  : op[0]
                    ? y['throw'] || ((t = y['return']) && t.call(y), 0)
                    : y.next) &&
              !(t = t.call(y, op[1])).done)
          )
            return t;
          if (((y = 0), t)) op = [op[0] & 2, t.value];
          switch (op[0]) {
            case 0:
            case 1:
              t = op;
              break;
            case 4:
              _.label++;
              return { value: op[1], done: false };
            case 5:
              _.label++;
              y = op[1];
              op = [0];
              continue;
            case 7:
              op = _.ops.pop();
              _.trys.pop();
              continue;
            default:
              if (!((t = _.trys), (t = t.length > 0 && t[t.length - 1])) && (op[0] === 6 || op[0] === 2)) {
                _ = 0;
                continue;
              }
              if (op[0] === 3 && (!t || (op[1] > t[0] && op[1] < t[3]))) {
                _.label = op[1];
                break;
              }
              if (op[0] === 6 && _.label < t[1]) {
                _.label = t[1];
                t = op;
                break;
              }
              if (t && _.label < t[2]) {
                _.label = t[2];
                _.ops.push(op);
                break;
              }
              if (t[2]) _.ops.pop();
              _.trys.pop();
              continue;
          }
          op = body.call(thisArg, _);
        } catch (e) {
          op = [6, e];
          y = 0;
        } finally {
          f = t = 0;
        }
      if (op[0] & 5) throw op[1];
      return { value: op[0] ? op[1] : void 0, done: true };
    }
  });
var _a, _b, _c, _d, _e, _f, _g, _h, _j;
Object.defineProperty(exports, '__esModule', { value: true });
var node_child_process_1 = require('node:child_process');
var node_fs_1 = require('node:fs');
var node_os_1 = require('node:os');
var node_path_1 = require('node:path');
var node_util_1 = require('node:util');
var testing_1 = require('@restsync/testing');
var database_1 = require('./database');
/**
 * `pnpm bench`: the reference workload (DESIGN §7). Each scenario runs in its own process (so its
 * peak RSS is its own) against the same reference API server and database, in one run:
 * the HTTP-only ceiling, the load-only ceiling, restsync's first load and its update run at N,
 * then restsync again at the large N for memory.
 */
var run = (0, node_util_1.promisify)(node_child_process_1.execFile);
var records = Number((_a = process.env.BENCH_RECORDS) !== null && _a !== void 0 ? _a : 100000);
var largeRecords = Number((_b = process.env.BENCH_RECORDS_LARGE) !== null && _b !== void 0 ? _b : 500000);
var apiKey = 'bench-key-not-a-secret';
var temporary = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)((0, node_os_1.tmpdir)(), 'restsync-bench-'));
var databaseUrl =
  (_c = process.env.DATABASE_URL) !== null && _c !== void 0
    ? _c
    : 'pglite:'.concat((0, node_path_1.join)(temporary, 'pglite'));
var engine = process.env.DATABASE_URL
  ? 'Postgres server (DATABASE_URL)'
  : 'embedded PGlite (set DATABASE_URL for a server)';
function scenario(name, apiUrl, count, dataset) {
  return __awaiter(this, void 0, void 0, function () {
    var stdout, last, result;
    var _a;
    return __generator(this, (_b) => {
      switch (_b.label) {
        case 0:
          return [
            4 /*yield*/,
            run(
              process.execPath,
              [
                '--conditions=@restsync/source',
                '--import',
                'tsx',
                (0, node_path_1.join)(import.meta.dirname, 'scenario.ts'),
                name,
              ],
              {
                env: __assign(__assign({}, process.env), {
                  API_KEY: apiKey,
                  BENCH_API_URL: apiUrl,
                  BENCH_API_KEY: apiKey,
                  BENCH_N: String(count),
                  BENCH_DATABASE_URL: databaseUrl,
                  BENCH_DATASET: dataset,
                }),
                maxBuffer: 16 * 1024 * 1024,
              },
            ),
          ];
        case 1:
          stdout = _b.sent().stdout;
          last = (_a = stdout.trim().split('\n').at(-1)) !== null && _a !== void 0 ? _a : '';
          result = JSON.parse(last);
          process.stderr.write(
            '  '
              .concat(name, ': ')
              .concat(Math.round(result.rowsPerSecond).toLocaleString('en-US'), ' rows/s, peak RSS ')
              .concat(result.peakRssMb.toFixed(0), ' MB\n'),
          );
          return [2 /*return*/, result];
      }
    });
  });
}
function dropDataset(name) {
  return __awaiter(this, void 0, void 0, function () {
    var database;
    return __generator(this, (_a) => {
      switch (_a.label) {
        case 0:
          return [4 /*yield*/, (0, database_1.openDatabase)(databaseUrl)];
        case 1:
          database = _a.sent();
          return [4 /*yield*/, database.exec('DROP SCHEMA IF EXISTS "'.concat(name, '" CASCADE'))];
        case 2:
          _a.sent();
          return [4 /*yield*/, database.close()];
        case 3:
          _a.sent();
          return [2 /*return*/];
      }
    });
  });
}
var suffix = ''.concat(process.pid);
process.stderr.write(
  'restsync bench: N = '
    .concat(records.toLocaleString('en-US'), ', limit 100, merge on id, into ')
    .concat(engine, '\n'),
);
var api = await (0, testing_1.startReferenceApi)({ records: records, apiKey: apiKey });
var large = await (0, testing_1.startReferenceApi)({ records: largeRecords, apiKey: apiKey });
try {
  var http = await scenario('http-ceiling', api.url, records, 'bench_http_'.concat(suffix));
  var load = await scenario('load-ceiling', api.url, records, 'bench_ceiling_'.concat(suffix));
  var dataset = 'bench_restsync_'.concat(suffix);
  var first = await scenario('restsync-first', api.url, records, dataset);
  api.setGeneration(2);
  var update = await scenario('restsync-update', api.url, records, dataset);
  await dropDataset(dataset);
  var largeDataset = 'bench_large_'.concat(suffix);
  var big = await scenario('restsync-large', large.url, largeRecords, largeDataset);
  await dropDataset(largeDataset);
  var loadFirst =
    (_f =
      (_e = (_d = load.parts) === null || _d === void 0 ? void 0 : _d.first) === null || _e === void 0
        ? void 0
        : _e.rowsPerSecond) !== null && _f !== void 0
      ? _f
      : load.rowsPerSecond;
  var loadUpdate =
    (_j =
      (_h = (_g = load.parts) === null || _g === void 0 ? void 0 : _g.update) === null || _h === void 0
        ? void 0
        : _h.rowsPerSecond) !== null && _j !== void 0
      ? _j
      : load.rowsPerSecond;
  var slowerFirst = Math.min(http.rowsPerSecond, loadFirst);
  var slowerUpdate = Math.min(http.rowsPerSecond, loadUpdate);
  var format = (value) => Math.round(value).toLocaleString('en-US').padStart(9);
  var lines = [
    '',
    '| measurement (N = '.concat(records.toLocaleString('en-US'), ') | rows/s | ratio | peak RSS |'),
    '| --- | ---: | ---: | ---: |',
    '| HTTP-only ceiling | '
      .concat(format(http.rowsPerSecond), ' | | ')
      .concat(http.peakRssMb.toFixed(0), ' MB |'),
    '| load-only ceiling, first load | '
      .concat(format(loadFirst), ' | | ')
      .concat(load.peakRssMb.toFixed(0), ' MB |'),
    '| load-only ceiling, update | '.concat(format(loadUpdate), ' | | |'),
    '| restsync, first load | '
      .concat(format(first.rowsPerSecond), ' | ')
      .concat((first.rowsPerSecond / loadFirst).toFixed(2), ' \u00D7 load ceiling, ')
      .concat((first.rowsPerSecond / slowerFirst).toFixed(2), ' \u00D7 slower ceiling | ')
      .concat(first.peakRssMb.toFixed(0), ' MB |'),
    '| restsync, update run | '
      .concat(format(update.rowsPerSecond), ' | ')
      .concat((update.rowsPerSecond / loadUpdate).toFixed(2), ' \u00D7 load ceiling, ')
      .concat((update.rowsPerSecond / slowerUpdate).toFixed(2), ' \u00D7 slower ceiling | ')
      .concat(update.peakRssMb.toFixed(0), ' MB |'),
    '| restsync, first load at N = '
      .concat(largeRecords.toLocaleString('en-US'), ' | ')
      .concat(format(big.rowsPerSecond), ' | | ')
      .concat(big.peakRssMb.toFixed(0), ' MB (')
      .concat((big.peakRssMb / first.peakRssMb).toFixed(2), ' \u00D7 N = ')
      .concat(records.toLocaleString('en-US'), ') |'),
    '',
    'targets: restsync \u2265 0.6 \u00D7 load ceiling (first '
      .concat((first.rowsPerSecond / loadFirst).toFixed(2), ', update ')
      .concat((update.rowsPerSecond / loadUpdate).toFixed(2), '); ') +
      'peak RSS \u2264 200 MB at N = '
        .concat(records.toLocaleString('en-US'), ' (')
        .concat(first.peakRssMb.toFixed(0), ' MB, update ')
        .concat(update.peakRssMb.toFixed(0), ' MB) ') +
      'and \u2264 1.3 \u00D7 that at N = '
        .concat(largeRecords.toLocaleString('en-US'), ' (')
        .concat((big.peakRssMb / Math.max(first.peakRssMb, update.peakRssMb)).toFixed(2), ' \u00D7)'),
  ];
  process.stdout.write(''.concat(lines.join('\n'), '\n'));
} finally {
  await api.close();
  await large.close();
  (0, node_fs_1.rmSync)(temporary, { recursive: true, force: true });
}
