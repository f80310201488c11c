var _a;
Object.defineProperty(exports, '__esModule', { value: true });
var http_ceiling_1 = require('./http-ceiling');
var load_ceiling_1 = require('./load-ceiling');
var restsync_sync_1 = require('./restsync-sync');
var scenario_io_1 = require('./scenario-io');
/** One benchmark scenario in its own process, so each peak RSS is its own. */
var name = (_a = process.argv[2]) !== null && _a !== void 0 ? _a : '';
var settings = (0, scenario_io_1.readSettings)(process.env);
if (name === 'http-ceiling') (0, scenario_io_1.report)(await (0, http_ceiling_1.httpCeiling)(settings));
else if (name === 'load-ceiling') (0, scenario_io_1.report)(await (0, load_ceiling_1.loadCeiling)(settings));
else if (name.startsWith('restsync'))
  (0, scenario_io_1.report)(await (0, restsync_sync_1.restsyncSync)(settings, name));
else throw new Error('unknown scenario "'.concat(name, '"'));
