import { Suspense } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { ErrorBoundary } from "@/components/errors/boundary";
import { Loading } from "@/components/ui/spinner";
import { paths } from "@/config/paths";
import { cartCount, useCart } from "@/features/cart/hooks/use-cart";
import { hasRole, useSession } from "@/lib/auth";
import { formText } from "@/lib/form";

/**
 * The frame of every page. The navigation is a list so that rewards (gamification),
 * provenance and the advisor each add one entry when their pages arrive.
 */
export function ShopLayout() {
  const session = useSession();
  const count = cartCount(useCart());
  const navigate = useNavigate();
  const items: { to: string; label: string }[] = [
    { to: paths.search.href(), label: "Shop" },
    { to: paths.challenges.href(), label: "Challenges" },
    { to: paths.leaderboards.href(), label: "Leaderboards" },
    // Provenance and the advisor come with their own issues: one entry each here.
    ...(hasRole(session, "analyst", "admin") ? [{ to: paths.analytics.href(), label: "Impact" }] : []),
    ...(hasRole(session, "admin") ? [{ to: paths.admin.href(), label: "Admin" }] : []),
  ];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to={paths.home.href()} className="brand" aria-label="Ecolaura home">
          <svg aria-hidden="true" width="22" height="22" viewBox="0 0 32 32">
            <circle cx="16" cy="16" r="15" fill="#1f6f43" />
            <path d="M9 20c0-7 6-11 14-11-1 8-5 14-12 14" fill="#cfe8d5" />
          </svg>{" "}
          Ecolaura
        </Link>
        <form
          role="search"
          className="header-search"
          onSubmit={(event) => {
            event.preventDefault();
            const q = formText(new FormData(event.currentTarget), "q");
            void navigate(paths.search.href(q ? { q } : undefined));
          }}
        >
          <label htmlFor="header-q" className="visually-hidden">
            Search products
          </label>
          <input id="header-q" name="q" type="search" placeholder="Search products" autoComplete="off" />
          <button type="submit">Search</button>
        </form>
        <nav aria-label="Main">
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
            <li>
              <NavLink to={session ? paths.account.href() : paths.signIn.href()}>
                {session ? "Account" : "Sign in"}
              </NavLink>
            </li>
            <li>
              <NavLink to={paths.cart.href()} aria-label={`Cart, ${count} item${count === 1 ? "" : "s"}`}>
                Cart <span className="cart-count">{count}</span>
              </NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorBoundary title="This page could not be shown">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </ErrorBoundary>
      </main>
      <footer className="site-footer">
        <p>Every footprint is shown as a range (low–central–high) with its factors and sources.</p>
      </footer>
    </>
  );
}
