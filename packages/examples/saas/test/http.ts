/** One HTTP request to the example, as a tenant (the `x-tenant-id` header) or as the admin. */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  tenant?: string,
  body?: unknown,
) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(tenant !== undefined && { "x-tenant-id": tenant }),
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
