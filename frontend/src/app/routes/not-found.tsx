import { Link } from "react-router";
import { paths } from "@/config/paths";

export default function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>There is no page at this address.</p>
      <Link to={paths.home.href()}>Back to the shop</Link>
    </section>
  );
}
