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
Object.defineProperty(exports, '__esModule', { value: true });
exports.loadCeiling = loadCeiling;
var testing_1 = require('@restsync/testing');
var database_1 = require('./database');
var scenario_io_1 = require('./scenario-io');
var batchSize = 10000;
var columns = [
  'id',
  'name',
  'value',
  'updated_at',
  'nested__a',
  'nested__b',
  '_restsync_load_id',
  '_restsync_id',
];
function escapeCopy(value) {
  return value.replace(/[\\\t\n\r]/g, (character) => {
    var _a;
    return (_a = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }[character]) !== null && _a !== void 0
      ? _a
      : '';
  });
}
/**
 * The load-only ceiling: the same rows restsync writes for the reference workload, COPYed into a
 * temporary staging table per batch and upserted with INSERT … ON CONFLICT, with no HTTP and no
 * normalization. Measures a first load and an update of every row.
 */
function loadCeiling(settings) {
  return __awaiter(this, void 0, void 0, function () {
    var database, schema, table, list, updates, load, first, update, count, rows, seconds;
    return __generator(this, (_a) => {
      switch (_a.label) {
        case 0:
          return [4 /*yield*/, (0, database_1.openDatabase)(settings.databaseUrl)];
        case 1:
          database = _a.sent();
          schema = '"'.concat(settings.dataset, '"');
          table = ''.concat(schema, '."resource_name"');
          list = columns.map((column) => '"'.concat(column, '"')).join(', ');
          updates = columns
            .slice(1)
            .map((column) => '"'.concat(column, '" = EXCLUDED."').concat(column, '"'))
            .join(', ');
          return [
            4 /*yield*/,
            database.exec(
              'DROP SCHEMA IF EXISTS '
                .concat(schema, ' CASCADE; CREATE SCHEMA ')
                .concat(schema, ';\n    CREATE TABLE ')
                .concat(
                  table,
                  ' ("id" bigint PRIMARY KEY, "name" text, "value" double precision,\n      "updated_at" timestamptz, "nested__a" bigint, "nested__b" text, "_restsync_load_id" text, "_restsync_id" text)',
                ),
            ),
          ];
        case 2:
          _a.sent();
          load = (generation) =>
            __awaiter(this, void 0, void 0, function () {
              var started, loadId, lines, flush, _i, _a, record, seconds;
              return __generator(this, (_b) => {
                switch (_b.label) {
                  case 0:
                    started = performance.now();
                    loadId = 'ceiling-'.concat(generation);
                    lines = [];
                    flush = () =>
                      __awaiter(this, void 0, void 0, function () {
                        return __generator(this, (_a) => {
                          switch (_a.label) {
                            case 0:
                              if (lines.length === 0) return [2 /*return*/];
                              return [4 /*yield*/, database.exec('BEGIN')];
                            case 1:
                              _a.sent();
                              return [
                                4 /*yield*/,
                                database.exec(
                                  'CREATE TEMP TABLE staging (LIKE '.concat(table, ') ON COMMIT DROP'),
                                ),
                              ];
                            case 2:
                              _a.sent();
                              return [
                                4 /*yield*/,
                                database.copy(
                                  'COPY staging ('.concat(list, ') FROM STDIN'),
                                  ''.concat(lines.join('\n'), '\n'),
                                ),
                              ];
                            case 3:
                              _a.sent();
                              return [
                                4 /*yield*/,
                                database.exec(
                                  'INSERT INTO '
                                    .concat(table, ' (')
                                    .concat(list, ') SELECT ')
                                    .concat(list, ' FROM staging ON CONFLICT ("id") DO UPDATE SET ')
                                    .concat(updates),
                                ),
                              ];
                            case 4:
                              _a.sent();
                              return [4 /*yield*/, database.exec('COMMIT')];
                            case 5:
                              _a.sent();
                              lines = [];
                              return [2 /*return*/];
                          }
                        });
                      });
                    (_i = 0), (_a = (0, testing_1.referenceRecords)(settings.records, generation));
                    _b.label = 1;
                  case 1:
                    if (!(_i < _a.length)) return [3 /*break*/, 4];
                    record = _a[_i];
                    lines.push(
                      [
                        record.id,
                        escapeCopy(record.name),
                        record.value,
                        record.updated_at,
                        record.nested.a,
                        escapeCopy(record.nested.b),
                        loadId,
                        'id-'.concat(record.id),
                      ].join('\t'),
                    );
                    if (!(lines.length >= batchSize)) return [3 /*break*/, 3];
                    return [4 /*yield*/, flush()];
                  case 2:
                    _b.sent();
                    _b.label = 3;
                  case 3:
                    _i++;
                    return [3 /*break*/, 1];
                  case 4:
                    return [4 /*yield*/, flush()];
                  case 5:
                    _b.sent();
                    seconds = (performance.now() - started) / 1000;
                    return [
                      2 /*return*/,
                      { rows: settings.records, seconds: seconds, rowsPerSecond: settings.records / seconds },
                    ];
                }
              });
            });
          return [4 /*yield*/, load(1)];
        case 3:
          first = _a.sent();
          return [4 /*yield*/, load(2)];
        case 4:
          update = _a.sent();
          return [4 /*yield*/, database.queryCount('SELECT count(*) AS count FROM '.concat(table))];
        case 5:
          count = _a.sent();
          return [4 /*yield*/, database.exec('DROP SCHEMA '.concat(schema, ' CASCADE'))];
        case 6:
          _a.sent();
          return [4 /*yield*/, database.close()];
        case 7:
          _a.sent();
          if (count !== settings.records)
            throw new Error('load ceiling wrote '.concat(count, ' rows, expected ').concat(settings.records));
          rows = first.rows + update.rows;
          seconds = first.seconds + update.seconds;
          return [
            2 /*return*/,
            {
              scenario: 'load-ceiling',
              rows: rows,
              seconds: seconds,
              rowsPerSecond: rows / seconds,
              peakRssMb: (0, scenario_io_1.peakRssMb)(),
              parts: { first: first, update: update },
            },
          ];
      }
    });
  });
}
