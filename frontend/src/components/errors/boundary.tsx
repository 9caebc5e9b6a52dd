import { QueryErrorResetBoundary } from "@tanstack/react-query";
import { Component, type ErrorInfo, type ReactNode } from "react";
import { ErrorPanel } from "@/components/errors/error-panel";

type Props = { children: ReactNode; title?: string; onReset?: () => void };
type State = { error: unknown };

class Boundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(error, info.componentStack);
  }

  reset = () => {
    this.props.onReset?.();
    this.setState({ error: null });
  };

  override render() {
    if (this.state.error !== null) {
      return <ErrorPanel error={this.state.error} onRetry={this.reset} title={this.props.title} />;
    }
    return this.props.children;
  }
}

/** An error boundary whose "Try again" also refetches the failed queries. */
export function ErrorBoundary({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <Boundary onReset={reset} title={title}>
          {children}
        </Boundary>
      )}
    </QueryErrorResetBoundary>
  );
}
