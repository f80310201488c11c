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
exports.restsyncSync = restsyncSync;
var auth_api_key_1 = require('@restsync/auth-api-key');
var core_1 = require('@restsync/core');
var destination_postgres_1 = require('@restsync/destination-postgres');
var paginator_offset_1 = require('@restsync/paginator-offset');
var scenario_io_1 = require('./scenario-io');
/** restsync on the reference workload, configured exactly as the seed (DESIGN §1). */
function restsyncSync(settings, scenario) {
  return __awaiter(this, void 0, void 0, function () {
    var source, started, result, seconds, rows;
    var _a;
    return __generator(this, (_b) => {
      switch (_b.label) {
        case 0:
          source = (0, core_1.restApiSource)({
            client: {
              baseUrl: settings.apiUrl,
              auth: (0, auth_api_key_1.apiKey)({
                name: 'api_key',
                apiKey: (0, core_1.secret)('api_key'),
                location: 'query',
              }),
            },
            resourceDefaults: { primaryKey: 'id', writeDisposition: 'merge' },
            resources: [
              {
                name: 'resource_name',
                endpoint: {
                  path: '/v1/resource',
                  dataSelector: 'data',
                  paginator: (0, paginator_offset_1.offset)({ limit: 100 }),
                },
              },
            ],
          });
          started = performance.now();
          return [
            4 /*yield*/,
            (0, core_1.pipeline)({
              name: 'bench',
              dataset: settings.dataset,
              destination: (0, destination_postgres_1.postgres)({ url: settings.databaseUrl }),
            }).run(source),
          ];
        case 1:
          result = _b.sent();
          seconds = (performance.now() - started) / 1000;
          rows = (_a = result.tables.resource_name) !== null && _a !== void 0 ? _a : 0;
          if (rows !== settings.records)
            throw new Error('restsync loaded '.concat(rows, ' rows, expected ').concat(settings.records));
          return [
            2 /*return*/,
            {
              scenario: scenario,
              rows: rows,
              seconds: seconds,
              rowsPerSecond: rows / seconds,
              peakRssMb: (0, scenario_io_1.peakRssMb)(),
            },
          ];
      }
    });
  });
}
