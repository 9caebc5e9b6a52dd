import { createBrowserRouter, RouterProvider } from "react-router";
import { ShopLayout } from "@/components/layouts/shop-layout";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { getProductQueryOptions } from "@/features/product/api/get-product";
import { getProductImpactQueryOptions } from "@/features/product/api/get-product-impact";
import { getProvenanceQueryOptions } from "@/features/provenance/api/get-provenance";
import { getSearchQueryOptions } from "@/features/search/api/search-products";
import { searchParamsFromUrl } from "@/features/search/utils/url-state";
import { queryClient } from "@/lib/query-client";

// Every route is its own chunk; admin, analytics and charts never load on shop pages.
const route = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({ Component: (await load()).default });

export const router = createBrowserRouter([
  {
    element: <ShopLayout />,
    HydrateFallback: () => <Loading />,
    children: [
      { path: paths.home.path, lazy: route(() => import("@/app/routes/shop/home")) },
      {
        path: paths.search.path,
        // Loaders start the page's API calls while its code downloads; they fill the cache the page reads.
        loader: ({ request }) => {
          void queryClient.prefetchQuery(getSearchQueryOptions(searchParamsFromUrl(new URL(request.url).searchParams)));
          return null;
        },
        lazy: route(() => import("@/app/routes/shop/search")),
      },
      {
        path: paths.product.path,
        loader: ({ params }) => {
          if (params.productId) {
            void queryClient.prefetchQuery(getProductQueryOptions(params.productId));
            void queryClient.prefetchQuery(getProductImpactQueryOptions(params.productId));
          }
          return null;
        },
        lazy: route(() => import("@/app/routes/shop/product")),
      },
      {
        path: paths.passport.path,
        loader: ({ params }) => {
          if (params.productId) {
            void queryClient.prefetchQuery(getProvenanceQueryOptions(params.productId));
            void queryClient.prefetchQuery(getProductQueryOptions(params.productId));
          }
          return null;
        },
        lazy: route(() => import("@/app/routes/shop/passport")),
      },
      { path: paths.cart.path, lazy: route(() => import("@/app/routes/shop/cart")) },
      { path: paths.checkout.path, lazy: route(() => import("@/app/routes/shop/checkout")) },
      { path: paths.orderConfirmation.path, lazy: route(() => import("@/app/routes/shop/confirmation")) },
      { path: paths.leaderboards.path, lazy: route(() => import("@/app/routes/shop/leaderboards")) },
      { path: paths.challenges.path, lazy: route(() => import("@/app/routes/shop/challenges")) },
      { path: paths.challenge.path, lazy: route(() => import("@/app/routes/shop/challenge")) },
      { path: paths.signIn.path, lazy: route(() => import("@/app/routes/account/sign-in")) },
      { path: paths.signUp.path, lazy: route(() => import("@/app/routes/account/sign-up")) },
      { path: paths.account.path, lazy: route(() => import("@/app/routes/account/account")) },
      { path: paths.orders.path, lazy: route(() => import("@/app/routes/account/orders")) },
      { path: paths.order.path, lazy: route(() => import("@/app/routes/account/order")) },
      { path: paths.privacy.path, lazy: route(() => import("@/app/routes/account/privacy")) },
      { path: paths.rewards.path, lazy: route(() => import("@/app/routes/account/rewards")) },
      { path: paths.admin.path, lazy: route(() => import("@/app/routes/admin/projections")) },
      { path: paths.adminProducts.path, lazy: route(() => import("@/app/routes/admin/products")) },
      { path: paths.adminOrders.path, lazy: route(() => import("@/app/routes/admin/orders")) },
      { path: paths.adminChallenges.path, lazy: route(() => import("@/app/routes/admin/challenges")) },
      { path: paths.analytics.path, lazy: route(() => import("@/app/routes/analytics/impact")) },
      { path: "*", lazy: route(() => import("@/app/routes/not-found")) },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
