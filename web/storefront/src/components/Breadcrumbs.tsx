/** The trail to a page: links, then (optionally) the page itself as text. */
export function Breadcrumbs({ trail, here }: { trail: { href: string; name: string }[]; here?: string }) {
  return (
    <nav aria-label="Breadcrumb" class="crumbs">
      {trail.map((t, i) => (
        <span key={t.href}>
          {i > 0 && " › "}
          <a href={t.href}>{t.name}</a>
        </span>
      ))}
      {here && ` › ${here}`}
    </nav>
  );
}

/** Home and a category's ancestors (the catalog's breadcrumbs). */
export const categoryTrail = (crumbs: { slug: string; name: string }[]) => [
  { href: "/", name: "Home" },
  ...crumbs.map((b) => ({ href: `/c/${b.slug}`, name: b.name })),
];
