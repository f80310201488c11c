/**
 * The bench's sync config: the reference API's `/v1/resource` (offset-paged, 100 per page, the API key
 * in the query from the `API_KEY` environment variable) merged on `id` into `resource_name`.
 */
export function syncConfig(apiUrl: string, pipeline: string): Record<string, unknown> {
  return {
    pipeline: { name: pipeline },
    source: {
      client: {
        base_url: apiUrl,
        auth: { type: 'api_key', name: 'api_key', api_key: { secret: 'api_key' }, location: 'query' },
      },
      resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
      resources: [
        {
          name: 'resource_name',
          endpoint: {
            path: '/v1/resource',
            data_selector: 'data',
            paginator: { type: 'offset', limit: 100 },
          },
        },
      ],
    },
  };
}
