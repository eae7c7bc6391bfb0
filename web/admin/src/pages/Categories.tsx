// Categories: the catalog's tree as staff shape it — add a category under any other, rename or
// re-slug one, move it (with its subtree) under another parent, set its position among its
// siblings (by dragging it onto another category, or into the gap before one; or with the parent
// and position fields, which keyboard users have), delete an empty one. Each change carries the category's version: when someone else
// changed it meanwhile the catalog refuses (409) and the page says so. The catalog keeps the rules
// (no move into its own subtree, unique slugs, only empty categories deleted) and its answers are
// shown next to the fields.
import { useState } from "preact/hooks";
import { api, ApiError } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";

type Node = { id: number; slug: string; name: string; position: number; children: Node[] };

/** Every category but `except` and its subtree (where `except` may move), indented by depth. */
function parents(nodes: Node[], except?: number, depth = 0): { id: number; label: string }[] {
  return nodes
    .filter((n) => n.id !== except)
    .flatMap((n) => [{ id: n.id, label: `${"— ".repeat(depth)}${n.name}` }, ...parents(n.children, except, depth + 1)]);
}

function ParentSelect({ id, tree, value, set, except }: { id: string; tree: Node[]; value: string; set: (v: string) => void; except?: number }) {
  return (
    <p class="field">
      <label for={id}>Parent</label>
      <select id={id} value={value} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">none (a top category)</option>
        {parents(tree, except).map((p) => (
          <option key={p.id} value={String(p.id)}>
            {p.label}
          </option>
        ))}
      </select>
    </p>
  );
}

function AddCategory({ tree, onDone }: { tree: Node[]; onDone: () => void }) {
  const [name, setName] = useState("");
  const [parent, setParent] = useState("");
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    await api("/catalog/v1/admin/categories", { json: { name, ...(parent ? { parent_id: Number(parent) } : {}) } });
    setName("");
    onDone();
  });
  return (
    <form class="form" onSubmit={onSubmit} aria-labelledby="add-heading">
      <h2 id="add-heading">Add a category</h2>
      <Field label="Name" name="new_name" value={name} set={setName} error={error?.fieldError("name") ?? error?.fieldError("slug")} />
      <ParentSelect id="new-parent" tree={tree} value={parent} set={setParent} />
      <ErrorNote error={error?.fieldError("name") || error?.fieldError("slug") ? null : error} />
      <button class="primary" type="submit" disabled={busy || !name.trim()}>
        Add
      </button>
    </form>
  );
}

function EditCategory({ node, parentId, tree, onDone }: { node: Node; parentId: number | null; tree: Node[]; onDone: () => void }) {
  const [name, setName] = useState(node.name);
  const [slug, setSlug] = useState(node.slug);
  const [parent, setParent] = useState(parentId === null ? "" : String(parentId));
  const [position, setPosition] = useState(String(node.position));
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    // The version the change is based on (the tree does not carry versions).
    const current = await api<{ version: number }>(`/catalog/v1/categories/${encodeURIComponent(node.slug)}`);
    const change: Record<string, unknown> = { version: current.version };
    if (name !== node.name) change.name = name;
    if (slug !== node.slug) change.slug = slug;
    if (position !== String(node.position)) change.position = Number(position);
    if (parent !== (parentId === null ? "" : String(parentId))) change.parent_id = parent ? Number(parent) : null;
    await api(`/catalog/v1/admin/categories/${node.id}`, { method: "PATCH", json: change });
    onDone();
  });
  const conflict = error?.staleVersion === true;
  return (
    <form class="form category-edit" onSubmit={onSubmit} aria-label={`Change ${node.name}`}>
      <Field label="Name" name={`name-${node.id}`} value={name} set={setName} error={error?.fieldError("name")} />
      <Field label="Slug (the address: /c/slug)" name={`slug-${node.id}`} value={slug} set={setSlug} error={error?.fieldError("slug")} />
      <ParentSelect id={`parent-${node.id}`} tree={tree} value={parent} set={setParent} except={node.id} />
      <Field label="Position among its siblings" name={`position-${node.id}`} value={position} set={setPosition}
        error={error?.fieldError("position")} />
      {conflict ? (
        <p class="notice" role="alert">
          Someone else changed this category meanwhile. <button type="button" onClick={onDone}>Reload</button>
        </p>
      ) : (
        <ErrorNote error={error?.fieldError("name") || error?.fieldError("slug") || error?.fieldError("position") ? null : error} />
      )}
      <button class="primary" type="submit" disabled={busy}>
        Save {node.name}
      </button>
    </form>
  );
}

/** The category's version (the tree does not carry versions), then the change based on it. */
async function patchCategory(n: Node, change: Record<string, unknown>) {
  const current = await api<{ version: number }>(`/catalog/v1/categories/${encodeURIComponent(n.slug)}`);
  await api(`/catalog/v1/admin/categories/${n.id}`, { method: "PATCH", json: { ...change, version: current.version } });
}

const within = (n: Node, id: number): boolean => n.id === id || n.children.some((c) => within(c, id));
function find(nodes: Node[], id: number): Node | undefined {
  for (const n of nodes) {
    const hit = n.id === id ? n : find(n.children, id);
    if (hit) return hit;
  }
}

// Dragging: which category is on the move, and where it may land (never into its own subtree).
type Drag = {
  moving: number | null;
  setMoving: (id: number | null) => void;
  /** Drops the moving category under `parent` (null: the top) before `before` (null: last). */
  drop: (parent: Node | null, siblings: Node[], before: Node | null) => void;
};

function Branch({ nodes, parentId, tree, editing, setEditing, onChanged, onError, drag, parentNode = null }: {
  drag: Drag;
  parentNode?: Node | null;
  nodes: Node[];
  parentId: number | null;
  tree: Node[];
  editing: number | null;
  setEditing: (id: number | null) => void;
  onChanged: () => void;
  onError: (e: ApiError) => void;
}) {
  const remove = async (n: Node) => {
    try {
      await api(`/catalog/v1/admin/categories/${n.id}`, { method: "DELETE" });
      onChanged();
    } catch (e) {
      if (e instanceof ApiError) onError(e);
      else throw e;
    }
  };
  const moving = drag.moving === null ? undefined : find(tree, drag.moving);
  // A place the moving category may go: not into itself or its subtree.
  const allowed = (target: Node | null) => moving !== undefined && (target === null || !within(moving, target.id));
  const zone = (target: Node | null, onDrop: () => void) => ({
    onDragOver: (e: DragEvent) => {
      if (!allowed(target)) return;
      e.preventDefault();
      (e.currentTarget as HTMLElement).classList.add("drop-over");
    },
    onDragLeave: (e: DragEvent) => (e.currentTarget as HTMLElement).classList.remove("drop-over"),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      (e.currentTarget as HTMLElement).classList.remove("drop-over");
      if (allowed(target)) onDrop();
    },
  });
  return (
    <ul class="tree">
      {nodes.map((n) => (
        <li key={n.id}>
          {drag.moving !== null && drag.moving !== n.id && (
            <div class="drop-gap" data-testid={`before-${n.slug}`} {...zone(parentNode, () => drag.drop(parentNode, nodes, n))}>
              <span class="visually-hidden">Before {n.name}</span>
            </div>
          )}
          <span class="tree-node" draggable
            // The gaps appear after the drag began: changing the page inside dragstart can end it.
            onDragStart={(e) => (e.dataTransfer?.setData("text/plain", String(n.id)), setTimeout(() => drag.setMoving(n.id)))}
            onDragEnd={() => drag.setMoving(null)}
            {...zone(n, () => drag.drop(n, n.children, null))}>
            <strong>{n.name}</strong> <span class="muted">/c/{n.slug} · position {n.position}</span>
            <button type="button" class="link" aria-expanded={editing === n.id} onClick={() => setEditing(editing === n.id ? null : n.id)}>
              {editing === n.id ? `Close ${n.name}` : `Change ${n.name}`}
            </button>
            {n.children.length === 0 && (
              <button type="button" class="link" onClick={() => void remove(n)}>
                Delete {n.name}
              </button>
            )}
          </span>
          {editing === n.id && (
            <EditCategory node={n} parentId={parentId} tree={tree} onDone={() => (setEditing(null), onChanged())} />
          )}
          {n.children.length > 0 && (
            <Branch nodes={n.children} parentId={n.id} parentNode={n} tree={tree} editing={editing} setEditing={setEditing}
              onChanged={onChanged} onError={onError} drag={drag} />
          )}
        </li>
      ))}
    </ul>
  );
}

export function CategoriesPage() {
  useTitle("Categories");
  const tree = useApi<{ categories: Node[] }>("/catalog/v1/categories");
  const [editing, setEditing] = useState<number | null>(null);
  const [failed, setFailed] = useState<ApiError | null>(null);
  const nodes = tree.data?.categories;
  const changed = () => (setFailed(null), tree.reload());
  const [moving, setMoving] = useState<number | null>(null);
  const drag: Drag = {
    moving,
    setMoving,
    drop: (parent, siblings, before) => {
      const dragged = moving === null || !nodes ? undefined : find(nodes, moving);
      setMoving(null);
      if (!dragged) return;
      // The new order among the siblings, numbered 10, 20, 30...; only what changes is saved.
      const order = siblings.filter((s) => s.id !== dragged.id);
      order.splice(before ? order.findIndex((s) => s.id === before.id) : order.length, 0, dragged);
      const parentId = parent ? parent.id : null;
      void (async () => {
        try {
          for (const [i, s] of order.entries()) {
            const position = (i + 1) * 10;
            if (s.id === dragged.id) await patchCategory(s, { parent_id: parentId, position });
            else if (s.position !== position) await patchCategory(s, { position });
          }
          changed();
        } catch (e) {
          if (e instanceof ApiError) (setFailed(e), tree.reload());
          else throw e;
        }
      })();
    },
  };
  return (
    <>
      <h1>Categories</h1>
      <ErrorNote error={failed ?? tree.error} />
      {!nodes && !tree.error && <Loading />}
      {nodes && (
        <>
          <p class="muted">Drag a category onto another to put it inside, or into the gap before one to put it there.</p>
          <Branch nodes={nodes} parentId={null} tree={nodes} editing={editing} setEditing={setEditing} onChanged={changed} onError={setFailed}
            drag={drag} />
        </>
      )}
      {nodes && <AddCategory tree={nodes} onDone={changed} />}
    </>
  );
}
