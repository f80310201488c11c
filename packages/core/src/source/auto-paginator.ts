import {
  type Paginator,
  type PaginatorInstance,
  type PaginatorStep,
  paginationDone,
  singlePage,
} from '../contracts/paginator';
import type {
  PaginatorDetection,
  PaginatorDetectionReport,
  PaginatorDetector,
} from '../contracts/paginator-detection';
import type { RequestSpec } from '../contracts/request';

/** Why a single page was chosen when no detector found a pagination style. */
function nothingFound(types: readonly string[]): string {
  const tried = types.length === 0 ? 'no detector is registered' : `tried ${types.join(', ')}`;
  return `no pagination style found in the first response (${tried}); set a paginator if the API pages`;
}

/**
 * dlt's paginator detection, for `{ "type": "auto" }` and resources without a paginator at any
 * level: the first request goes out as configured; the first page goes to the detectors (by the
 * type they detect) in their order (a `Link` header, a JSON next link, total pages, a JSON cursor) and the first hit continues
 * the sequence from that page, so no page is fetched twice. Nothing found: a single page. The
 * choice is reported once per sequence through `detection()`, which the engine turns into a
 * `paginator_detected` event.
 */
export function autoPaginator(detectors: ReadonlyMap<string, PaginatorDetector>): Paginator {
  const entries = [...detectors].sort(([, first], [, second]) => first.order - second.order);
  const ordered = entries.map(([, detector]) => detector);
  const types = entries.map(([type]) => type);
  return Object.freeze({
    kind: 'paginator' as const,
    specificationVersion: 'v1' as const,
    type: 'auto',
    create(): PaginatorInstance {
      let firstRequest: RequestSpec | undefined;
      let chosen: PaginatorInstance | undefined;
      let report: PaginatorDetectionReport | undefined;
      return {
        first(request) {
          firstRequest = request;
          return request;
        },
        next(page): PaginatorStep {
          if (chosen !== undefined) return chosen.next(page);
          let detection: PaginatorDetection | undefined;
          for (const detector of ordered) {
            detection = detector.detect(page);
            if (detection !== undefined) break;
          }
          if (detection === undefined) {
            chosen = singlePage().create();
            report = {
              paginator: 'single_page',
              config: { type: 'single_page' },
              reason: nothingFound(types),
            };
            return paginationDone('single page (detected)');
          }
          report = {
            paginator: detection.paginator.type,
            config: detection.config,
            reason: detection.reason,
          };
          chosen = detection.paginator.create();
          chosen.first(firstRequest ?? page.request);
          return chosen.next(page);
        },
        upcoming(count) {
          return chosen?.upcoming?.(count) ?? [];
        },
        expectedTotal() {
          return chosen?.expectedTotal?.();
        },
        detection() {
          const once = report;
          report = undefined;
          return once;
        },
      };
    },
  });
}
