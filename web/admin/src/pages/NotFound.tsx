import { useTitle } from "@shared/useApi";

export function NotFound() {
  useTitle("Not found");
  return (
    <>
      <h1>No such screen</h1>
      <p>
        <a href="/admin/customers">Go to the customers</a>
      </p>
    </>
  );
}
