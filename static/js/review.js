// Review queue: a "select all" checkbox for the bulk decision form (the form works without it).
document.querySelectorAll("input[data-select-all]").forEach((master) => {
  const name = master.dataset.selectAll;
  const form = master.closest("form");
  master.addEventListener("change", () => {
    form.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => { box.checked = master.checked; });
  });
});
