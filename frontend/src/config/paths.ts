/** Every route's path and href builder, in one place. */
export const paths = {
  home: { path: "/", href: () => "/" },
  search: {
    path: "/search",
    href: (params?: Record<string, string>) => (params ? `/search?${new URLSearchParams(params)}` : "/search"),
  },
  product: { path: "/products/:productId", href: (id: string) => `/products/${id}` },
  passport: { path: "/passport/:productId", href: (id: string) => `/passport/${id}` },
  cart: { path: "/cart", href: () => "/cart" },
  checkout: { path: "/checkout", href: () => "/checkout" },
  orderConfirmation: {
    path: "/orders/:orderId/confirmation",
    href: (id: string, position?: string) =>
      `/orders/${id}/confirmation${position ? `?min_position=${encodeURIComponent(position)}` : ""}`,
  },
  leaderboards: { path: "/leaderboards", href: () => "/leaderboards" },
  challenges: { path: "/challenges", href: () => "/challenges" },
  challenge: {
    path: "/challenges/:challengeId",
    href: (id: string, position?: string | null) =>
      `/challenges/${id}${position ? `?min_position=${encodeURIComponent(position)}` : ""}`,
  },
  signIn: { path: "/account/sign-in", href: (next?: string) => (next ? `/account/sign-in?next=${encodeURIComponent(next)}` : "/account/sign-in") },
  signUp: { path: "/account/sign-up", href: () => "/account/sign-up" },
  account: { path: "/account", href: () => "/account" },
  orders: { path: "/account/orders", href: () => "/account/orders" },
  order: { path: "/account/orders/:orderId", href: (id: string) => `/account/orders/${id}` },
  privacy: { path: "/account/privacy", href: () => "/account/privacy" },
  rewards: { path: "/account/rewards", href: () => "/account/rewards" },
  admin: { path: "/admin", href: () => "/admin" },
  adminProducts: { path: "/admin/products", href: () => "/admin/products" },
  adminOrders: { path: "/admin/orders", href: () => "/admin/orders" },
  adminChallenges: { path: "/admin/challenges", href: () => "/admin/challenges" },
  analytics: { path: "/analytics", href: () => "/analytics" },
} as const;
