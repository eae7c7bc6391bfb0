import { ApiError } from "./api";

export function ErrorNote({ error }: { error?: ApiError | null }) {
  if (!error) return null;
  return (
    <p class="error" role="alert">
      {error.userMessage}
    </p>
  );
}

export function Loading() {
  return (
    <p class="loading" role="status">
      Loading…
    </p>
  );
}
