import type { EventBus } from '../events';
import type { Redactor } from '../redact';
import type { PaginatorCheckpoint } from './paginator';
import type { Page } from './request';
import type { WriteDisposition } from './schema';

/** A page as a source yields it: a `Page` plus the checkpoint reached after it. */
export interface SourcePage extends Page {
  /**
   * The resource's resumable position after this page, set only when everything before it
   * (this page's records and any child pages they lead to) has already been yielded.
   */
  checkpoint?: PaginatorCheckpoint;
}

/** A resource as the pipeline sees it. */
export interface ResourceInfo {
  name: string;
  /** Field names of the primary key in the source records (single or composite); empty: none. */
  primaryKey: string[];
  writeDisposition: WriteDisposition;
  /** Arrays become child tables (`flatten`, default) or stay JSON (`json`). */
  nested: 'flatten' | 'json';
  /** The parent resource's name, for a child resource. */
  parent?: string;
}

export interface SourceRunOptions {
  events: EventBus;
  /** Resume positions per resource, from stored state. */
  checkpoints?: Record<string, PaginatorCheckpoint>;
  signal?: AbortSignal;
}

/** A configured set of resources, as returned by `restApiSource(config)`. */
export interface Source {
  readonly kind: 'source';
  readonly name: string;
  readonly resources: ResourceInfo[];
  /** Holds every secret of this source; the pipeline redacts with it. */
  readonly redactor: Redactor;
  /**
   * Fetches every selected resource and yields their pages as one stream, parents before the
   * child pages their records lead to. Streams: nothing is buffered beyond the current page.
   */
  pages(options: SourceRunOptions): AsyncIterable<SourcePage>;
}
