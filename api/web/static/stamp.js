// The sign form: click on the rendered page to put the stamp there (fills the hidden "box" field, in PDF points).
// Without JavaScript the page selector and the preset positions do the same job.
(function () {
  "use strict";
  var set = document.querySelector("[data-stamp]");
  if (!set) { return; }
  var form = set.closest("form");
  var page = set.querySelector("[data-stamp-page]");
  var box = set.querySelector("[data-stamp-box]");
  var img = set.querySelector("[data-stamp-image]");
  var mark = set.querySelector("[data-stamp-mark]");
  var said = set.querySelector("[data-stamp-chosen]");
  var sizes = JSON.parse(set.getAttribute("data-sizes"));
  set.querySelector("[data-stamp-preview]").hidden = false;

  function area() {
    return page.options[page.selectedIndex].getAttribute("data-area").split(",").map(Number);
  }
  function size() {
    var meaning = form.querySelector("input[name=meaning]:checked");
    return sizes[meaning ? meaning.value : "approval"] || sizes.approval;
  }
  function clear() {
    box.value = ""; mark.hidden = true; said.textContent = "";
  }
  function show(b) {
    var a = area(), scale = img.clientWidth / (a[2] - a[0]);
    mark.style.left = (b[0] - a[0]) * scale + "px";
    mark.style.top = (a[3] - b[3]) * scale + "px";
    mark.style.width = (b[2] - b[0]) * scale + "px";
    mark.style.height = (b[3] - b[1]) * scale + "px";
    mark.hidden = false;
  }
  page.addEventListener("change", function () {
    img.src = img.getAttribute("data-src") + page.value + ".png";
    clear();
  });
  form.querySelectorAll("input[name=position], input[name=meaning]").forEach(function (input) {
    input.addEventListener("change", clear);
  });
  img.addEventListener("click", function (ev) {
    var a = area(), s = size(), rect = img.getBoundingClientRect();
    var scale = (a[2] - a[0]) / rect.width;
    var cx = a[0] + (ev.clientX - rect.left) * scale, cy = a[3] - (ev.clientY - rect.top) * scale;
    var x1 = Math.min(Math.max(cx - s[0] / 2, a[0]), a[2] - s[0]);
    var y1 = Math.min(Math.max(cy - s[1] / 2, a[1]), a[3] - s[1]);
    var b = [x1, y1, x1 + s[0], y1 + s[1]].map(function (v) { return Math.round(v); });
    box.value = b.join(",");
    show(b);
    said.textContent = (document.documentElement.lang === "en" ? "Stamp box (points): " : "Khung chữ ký (điểm): ") +
      box.value;
  });
  if (box.value) {
    img.addEventListener("load", function () { show(box.value.split(",").map(Number)); });
  }
})();
