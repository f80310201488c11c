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
exports.openDatabase = openDatabase;
var node_stream_1 = require('node:stream');
var promises_1 = require('node:stream/promises');
var pglite_1 = require('@electric-sql/pglite');
var pg_1 = require('pg');
var pg_copy_streams_1 = require('pg-copy-streams');
function openDatabase(url) {
  return __awaiter(this, void 0, void 0, function () {
    var directory, database_1, client;
    return __generator(this, (_a) => {
      switch (_a.label) {
        case 0:
          if (url.startsWith('pglite:')) {
            directory = url.slice('pglite:'.length);
            database_1 = new pglite_1.PGlite(directory === 'memory' ? undefined : directory);
            return [
              2 /*return*/,
              {
                exec: (sql) =>
                  __awaiter(this, void 0, void 0, function () {
                    return __generator(this, (_a) => {
                      switch (_a.label) {
                        case 0:
                          return [4 /*yield*/, database_1.exec(sql)];
                        case 1:
                          _a.sent();
                          return [2 /*return*/];
                      }
                    });
                  }),
                queryCount: (sql) =>
                  __awaiter(this, void 0, void 0, function () {
                    var _a;
                    var _b;
                    return __generator(this, (_c) => {
                      switch (_c.label) {
                        case 0:
                          _a = Number;
                          return [4 /*yield*/, database_1.query(sql)];
                        case 1:
                          return [
                            2 /*return*/,
                            _a.apply(void 0, [
                              (_b = _c.sent().rows[0]) === null || _b === void 0 ? void 0 : _b.count,
                            ]),
                          ];
                      }
                    });
                  }),
                copy: (copySql, data) =>
                  __awaiter(this, void 0, void 0, function () {
                    return __generator(this, (_a) => {
                      switch (_a.label) {
                        case 0:
                          return [
                            4 /*yield*/,
                            database_1.query(copySql.replace('FROM STDIN', "FROM '/dev/blob'"), [], {
                              blob: new Blob([data]),
                            }),
                          ];
                        case 1:
                          _a.sent();
                          return [2 /*return*/];
                      }
                    });
                  }),
                close: () => database_1.close(),
              },
            ];
          }
          client = new pg_1.default.Client({ connectionString: url });
          return [4 /*yield*/, client.connect()];
        case 1:
          _a.sent();
          return [
            2 /*return*/,
            {
              exec: (sql) =>
                __awaiter(this, void 0, void 0, function () {
                  return __generator(this, (_a) => {
                    switch (_a.label) {
                      case 0:
                        return [4 /*yield*/, client.query(sql)];
                      case 1:
                        _a.sent();
                        return [2 /*return*/];
                    }
                  });
                }),
              queryCount: (sql) =>
                __awaiter(this, void 0, void 0, function () {
                  var _a;
                  var _b;
                  return __generator(this, (_c) => {
                    switch (_c.label) {
                      case 0:
                        _a = Number;
                        return [4 /*yield*/, client.query(sql)];
                      case 1:
                        return [
                          2 /*return*/,
                          _a.apply(void 0, [
                            (_b = _c.sent().rows[0]) === null || _b === void 0 ? void 0 : _b.count,
                          ]),
                        ];
                    }
                  });
                }),
              copy: (copySql, data) =>
                __awaiter(this, void 0, void 0, function () {
                  return __generator(this, (_a) => {
                    switch (_a.label) {
                      case 0:
                        return [
                          4 /*yield*/,
                          (0, promises_1.pipeline)(
                            node_stream_1.Readable.from([data]),
                            client.query((0, pg_copy_streams_1.from)(copySql)),
                          ),
                        ];
                      case 1:
                        _a.sent();
                        return [2 /*return*/];
                    }
                  });
                }),
              close: () => client.end(),
            },
          ];
      }
    });
  });
}
