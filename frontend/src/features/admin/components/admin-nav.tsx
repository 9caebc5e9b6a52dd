import { NavLink } from "react-router";
import { paths } from "@/config/paths";

export function AdminNav() {
  return (
    <nav aria-label="Admin">
      <ul className="chips">
        <li>
          <NavLink to={paths.admin.href()} end>
            Projections
          </NavLink>
        </li>
        <li>
          <NavLink to={paths.adminProducts.href()}>Products</NavLink>
        </li>
        <li>
          <NavLink to={paths.adminOrders.href()}>Orders</NavLink>
        </li>
        <li>
          <NavLink to={paths.adminChallenges.href()}>Challenges</NavLink>
        </li>
      </ul>
    </nav>
  );
}
