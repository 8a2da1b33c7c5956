// Lazy organisation tree, confirmations, select-all, and the address of a
// page that answers a form. Pages work without it.

// A page answering a form shows the address of the page the form was on
// (set by the server, always a local path): a reload then loads that page
// instead of sending the form again, and the language switch and the next
// form name it.
{
  const page = document.body && document.body.dataset.formPage;
  if (page && page.startsWith("/") && !page.startsWith("//")) history.replaceState(null, "", page);
}

async function toggle(t) {
  const li = t.parentElement;
  const open = t.getAttribute("aria-expanded") === "true";
  const sub = li.querySelector(":scope > ul");
  if (open) { if (sub) sub.hidden = true; t.setAttribute("aria-expanded", "false"); t.textContent = "▸"; return; }
  if (sub) { sub.hidden = false; } else {
    const res = await fetch(`/console/orgs/${encodeURIComponent(t.dataset.id)}/tree`, { credentials: "same-origin" });
    if (res.ok) li.insertAdjacentHTML("beforeend", await res.text());
  }
  t.setAttribute("aria-expanded", "true"); t.textContent = "▾";
}

// The sidebar tree opens down to the organisation on the page.
{
  const root = document.querySelector(".tree-root[data-open]");
  if (root && root.dataset.open) (async () => {
    for (const id of root.dataset.open.split(",")) {
      const t = root.querySelector(`button.toggle[data-id="${CSS.escape(id)}"]`);
      if (t && t.getAttribute("aria-expanded") !== "true") await toggle(t);
    }
  })();
}

document.addEventListener("click", async (ev) => {
  const t = ev.target.closest("button.toggle");
  if (t) {
    ev.preventDefault();
    await toggle(t);
    return;
  }
  const c = ev.target.closest("[data-confirm]");
  if (c && !window.confirm(c.dataset.confirm)) ev.preventDefault();
});

// A header checkbox `data-select-all="name"` ticks every checkbox of that
// name in its form; a button's `data-confirm-count` asks first, with the
// number ticked in place of `{count}`.
document.addEventListener("change", (ev) => {
  const all = ev.target.closest("input[data-select-all]");
  if (!all) return;
  for (const box of all.form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`)) box.checked = all.checked;
});
document.addEventListener("click", (ev) => {
  const b = ev.target.closest("[data-confirm-count]");
  if (!b) return;
  const n = b.form.querySelectorAll('input[type=checkbox][name="id"]:checked').length;
  if (!window.confirm(b.dataset.confirmCount.replace("{count}", n))) ev.preventDefault();
}, true);
