import { RequireSession } from "@/features/account/components/require-session";
import { AdminNav } from "@/features/admin/components/admin-nav";
import { CreateChallengeForm } from "@/features/rewards/components/create-challenge-form";
import { paths } from "@/config/paths";

export default function ChallengesAdminRoute() {
  return (
    <RequireSession roles={["admin"]}>
      <section>
        <h1>Challenges</h1>
        <AdminNav />
        <p>
          A challenge counts shoppers&apos; orders placed inside its window; its reward is paid when those orders are delivered.
        </p>
        <CreateChallengeForm href={paths.challenge.href} />
      </section>
    </RequireSession>
  );
}
