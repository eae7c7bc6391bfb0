// The shopper's cart, as the cart service answers it (every change answers the whole cart). The
// guest cart is named by the cart service's HttpOnly cookie; a signed-in shopper's by the token.
import { sharedState } from "@shared/sharedState";
import { api, Money } from "@shared/api";

export type CartLine = {
  sku: string;
  quantity: number;
  unit_price: Money;
  line_total: Money;
  previous_price: Money | null;
  availability: "in_stock" | "low_stock" | "out_of_stock" | "not_sellable" | "unknown";
  available: number;
  slug: string;
  title: string;
  options: { name: string; value: string }[];
  image_url?: string;
};
export type Cart = {
  version: number;
  lines: CartLine[];
  item_count: number;
  subtotal: Money | null;
  currency: string | null;
  stale: boolean;
  limits: { max_lines: number; max_per_line: number };
};
export type MergeReport = {
  sku: string;
  outcome: "added" | "raised" | "capped" | "dropped";
  requested: number;
  quantity: number;
  reason: string | null;
};

let cart: Cart | null = null;
const shared = sharedState();

function set(c: Cart) {
  cart = c;
  shared.changed();
  return c;
}

export function useCart(): Cart | null {
  shared.useShared(() => {
    if (!cart) void loadCart().catch(() => undefined);
  });
  return cart;
}

export const loadCart = async () => set(await api<Cart>("/cart/v1/cart"));
export const addToCart = async (sku: string, quantity: number) =>
  set(await api<Cart>("/cart/v1/cart/items", { json: { sku, quantity } }));
export const setQuantity = async (sku: string, quantity: number) =>
  set(await api<Cart>(`/cart/v1/cart/items/${encodeURIComponent(sku)}`, { method: "PUT", json: { quantity } }));
export const removeLine = async (sku: string) =>
  set(await api<Cart>(`/cart/v1/cart/items/${encodeURIComponent(sku)}`, { method: "DELETE" }));
export const acknowledgePrices = async () =>
  set(await api<Cart>("/cart/v1/cart/prices/acknowledge", { method: "POST" }));

/** After sign-in: the guest cart (cookie) into the customer's. Answers what happened per line. */
export async function mergeAfterLogin(): Promise<MergeReport[]> {
  const r = await api<{ cart: Cart; merged: MergeReport[] }>("/cart/v1/cart/merge", { json: { mode: "merge" } });
  set(r.cart);
  return r.merged;
}

export function availabilityText(l: Pick<CartLine, "availability" | "available">): string {
  switch (l.availability) {
    case "in_stock":
      return "In stock";
    case "low_stock":
      return `Only ${l.available} left`;
    case "out_of_stock":
      return "Out of stock";
    default:
      return "No longer available";
  }
}
