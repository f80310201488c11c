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
exports.httpCeiling = httpCeiling;
var scenario_io_1 = require('./scenario-io');
/** The HTTP-only ceiling: fetch and parse every page exactly as restsync requests them; load nothing. */
function httpCeiling(settings) {
  return __awaiter(this, void 0, void 0, function () {
    var limit, started, rows, offset, url, response, body, seconds;
    return __generator(this, (_a) => {
      switch (_a.label) {
        case 0:
          limit = 100;
          started = performance.now();
          rows = 0;
          offset = 0;
          _a.label = 1;
        case 1:
          url = ''
            .concat(settings.apiUrl, '/v1/resource?offset=')
            .concat(offset, '&limit=')
            .concat(limit, '&api_key=')
            .concat(settings.apiKey);
          return [4 /*yield*/, fetch(url)];
        case 2:
          response = _a.sent();
          if (!response.ok) throw new Error('HTTP '.concat(response.status, ' at offset ').concat(offset));
          return [4 /*yield*/, response.json()];
        case 3:
          body = _a.sent();
          rows += body.data.length;
          if (body.data.length < limit || offset + limit >= body.total) return [3 /*break*/, 5];
          _a.label = 4;
        case 4:
          offset += limit;
          return [3 /*break*/, 1];
        case 5:
          seconds = (performance.now() - started) / 1000;
          return [
            2 /*return*/,
            {
              scenario: 'http-ceiling',
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
