import { ORDER_STATUSES, type OrderFilters, type OrderStatus } from "@/features/admin/api/list-orders";

const DAY_MS = 86_400_000;

/** The list's filters from the page's URL (`status`, `customer`, `from` and `to` as days, both included). */
export function filtersFromUrl(params: URLSearchParams): OrderFilters {
  const filters: OrderFilters = {};
  const status = params.get("status");
  if (status && (ORDER_STATUSES as string[]).includes(status)) filters.status = status as OrderStatus;
  const customer = params.get("customer");
  if (customer) filters.customer_id = customer;
  const from = params.get("from");
  if (from) filters.placed_from = `${from}T00:00:00Z`;
  const to = params.get("to");
  const end = to ? Date.parse(`${to}T00:00:00Z`) : Number.NaN;
  // The API's placed_to excludes; the page's "to" day is included, so the list ends at the next midnight.
  if (!Number.isNaN(end)) filters.placed_to = new Date(end + DAY_MS).toISOString();
  return filters;
}
