// A shopper's flow typed by the schema: `make clients` generates
// var/clients/schema.d.ts with openapi-typescript and checks this file with
// `tsc --strict`. Ordinary use must type without a cast past `Response.json`:
// a request body may leave out what has a default, and what every answer
// holds is not optional.
import type { components, paths } from "../../var/clients/schema";

type Schemas = components["schemas"];
type Json<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { "Content-Type": "application/json", ...init.headers },
  });
  if (!response.ok) {
    const error = (await response.json()) as Schemas["Error"];
    throw new Error(`${error.code}: ${error.detail}`);
  }
  return (await response.json()) as T;
}

export async function buy(base: string, email: string, password: string): Promise<string> {
  const tree = await call<Schemas["Category"][]>(`${base}/api/v1/categories/`);
  const category = tree[0];
  if (category === undefined) throw new Error("no categories");
  const page = await call<Schemas["PaginatedProductListList"]>(
    `${base}/api/v1/products/?category=${category.slug}&in_stock=true`,
  );
  const listed = page.results[0];
  if (listed === undefined) throw new Error("nothing in stock");
  const product = await call<Schemas["ProductDetail"]>(
    `${base}/api/v1/products/${listed.slug}/`,
  );
  const variant = product.variants[0];
  if (variant === undefined) throw new Error("no variant");

  // `refresh_in_cookie` has a default: a body may leave it out.
  const login: Schemas["LoginRequest"] = { email, password };
  const tokens = await call<Schemas["TokenPair"]>(`${base}/api/v1/auth/token/`, {
    method: "POST",
    body: JSON.stringify(login),
  });
  const auth = { Authorization: `Bearer ${tokens.access}` };

  // `quantity` defaults to 1.
  const add: Schemas["CartItemAddRequest"] = { variant: variant.id };
  const cart = await call<Schemas["Cart"]>(`${base}/api/v1/cart/items/`, {
    method: "POST",
    headers: { ...auth, "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify(add),
  });
  const line = cart.lines[0];
  if (line === undefined) throw new Error("empty cart");
  const change: Schemas["CartItemUpdateRequest"] = { quantity: 2 };
  await call<Schemas["Cart"]>(`${base}/api/v1/cart/items/${line.id}/`, {
    method: "PATCH",
    headers: auth,
    body: JSON.stringify(change),
  });

  const addresses = await call<Schemas["PaginatedAddressList"]>(
    `${base}/api/v1/me/addresses/`,
    { headers: auth },
  );
  const address = addresses.results[0];
  if (address === undefined) throw new Error("no address");
  const slots = await call<Schemas["SlotList"]>(
    `${base}/api/v1/delivery/slots/?postal_code=${address.postal_code}`,
  );
  const slot = slots.slots[0];
  if (slot === undefined) throw new Error("no slot");
  const place: Schemas["OrderPlaceRequest"] = { address: address.id, slot: slot.id };
  const order = await call<Schemas["Order"]>(`${base}/api/v1/orders/`, {
    method: "POST",
    headers: { ...auth, "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify(place),
  });
  const status: Schemas["OrderStatusEnum"] = order.status;
  const next: string | null = page.next;
  return `${order.number} ${status} ${order.total} ${next ?? ""}`;
}

// The invoice is bytes, not JSON.
export type InvoiceAnswer =
  Json<"/api/v1/orders/{number}/invoice/", "get">["responses"][200]["content"]["application/pdf"];
