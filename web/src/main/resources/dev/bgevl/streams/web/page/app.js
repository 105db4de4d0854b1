// The search page: a form in, a grid of thumbnails out. No framework and no build step: the browser
// runs this file as it is committed. Every search is one POST /api/search, which the server turns
// into a request on the request topic and answers with its reply.
"use strict";

const form = document.getElementById("search");
const fileInput = document.getElementById("image");
const drop = document.getElementById("drop");
const preview = document.getElementById("preview");
const previewImage = document.getElementById("preview-image");
const clearImage = document.getElementById("clear-image");
const textInput = document.getElementById("text");
const instructionInput = document.getElementById("instruction");
const filterInput = document.getElementById("filter");
const topKInput = document.getElementById("top-k");
const runButton = document.getElementById("run");
const statusLine = document.getElementById("status");
const hitList = document.getElementById("hits");

/** The query image as a Blob, or null. */
let queryImage = null;
let previewUrl = null;
/** One search at a time: Enter in a field while one runs must not send a second. */
let searching = false;

function setQueryImage(blob) {
  queryImage = blob;
  if (previewUrl) {
    URL.revokeObjectURL(previewUrl);
    previewUrl = null;
  }
  if (blob) {
    previewUrl = URL.createObjectURL(blob);
    previewImage.src = previewUrl;
    preview.hidden = false;
  } else {
    previewImage.removeAttribute("src");
    preview.hidden = true;
    fileInput.value = "";
  }
}

function showStatus(state, message) {
  statusLine.dataset.state = state;
  statusLine.textContent = message;
}

function readAsDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function thumbnailUrl(id) {
  return "/thumbnails/" + encodeURIComponent(id);
}

async function search() {
  if (searching) {
    return;
  }
  const text = textInput.value.trim();
  if (!queryImage && !text) {
    showStatus("error", "Give an image, a text or both.");
    return;
  }
  runButton.disabled = true;
  searching = true;
  showStatus("busy", "Searching…");
  try {
    const body = {
      text: text || null,
      instruction: instructionInput.value.trim() || null,
      filter: filterInput.value.trim() || null,
      topK: topKInput.value ? Number(topKInput.value) : null,
      image: queryImage ? await readAsDataUrl(queryImage) : null,
    };
    const response = await fetch("/api/search", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let reply;
    try {
      reply = await response.json();
    } catch (e) {
      reply = { status: "HTTP " + response.status, error: response.statusText };
    }
    if (!response.ok || reply.status !== "OK") {
      hitList.replaceChildren();
      hitList.dataset.requestId = reply.requestId || "";
      showStatus("error", (reply.status || "HTTP " + response.status) + ": " + (reply.error || "no message"));
      return;
    }
    render(reply.hits);
    hitList.dataset.requestId = reply.requestId;
    const count = reply.hits.length === 1 ? "1 result" : reply.hits.length + " results";
    showStatus("done", count + " · model " + reply.model + " · " + reply.tookMs + " ms in the service, "
      + reply.roundTripMs + " ms round trip");
  } catch (e) {
    hitList.replaceChildren();
    showStatus("error", "UNAVAILABLE: the service did not answer (" + e.message + ")");
  } finally {
    searching = false;
    runButton.disabled = false;
  }
}

function render(hits) {
  hitList.replaceChildren(...hits.map((hit, rank) => {
    const item = document.createElement("li");
    item.dataset.id = hit.id;
    item.dataset.rank = String(rank + 1);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "hit";
    button.setAttribute("aria-label", "Result " + (rank + 1) + ", score " + hit.score.toFixed(3) + ", "
      + (hit.text || hit.id) + ". Search for more like this.");
    const image = document.createElement("img");
    image.className = "thumb";
    image.alt = hit.text || hit.id;
    image.loading = "lazy";
    image.decoding = "async";
    showThumbnail(image, hit.id, () => {
      const none = document.createElement("div");
      none.className = "thumb no-thumb";
      none.textContent = "no image";
      image.replaceWith(none);
      button.dataset.noImage = "true";
    });
    button.append(image, describe(hit));
    button.addEventListener("click", () => moreLikeThis(hit, button));
    item.append(button);
    return item;
  }));
}

/**
 * Waits before each new try of a thumbnail that is there but not now: its partition is moving
 * between instances (503, Retry-After: 1) or the instance did not answer. About 15 s in all.
 */
const THUMBNAIL_RETRY_MS = [1000, 2000, 4000, 8000];

/** Loads the thumbnail of `id` into `image`, trying again while it is only unavailable. */
function showThumbnail(image, id, showNone) {
  let tries = 0;
  image.addEventListener("error", async () => {
    // an <img> error does not say why: one request tells "none" (404) from "not now"
    if (tries < THUMBNAIL_RETRY_MS.length && await isTemporarilyUnavailable(id)) {
      const delay = THUMBNAIL_RETRY_MS[tries++];
      image.dataset.retries = String(tries);
      setTimeout(() => {
        if (image.isConnected) {
          image.src = thumbnailUrl(id);
        }
      }, delay);
      return;
    }
    showNone();
  });
  image.src = thumbnailUrl(id);
}

async function isTemporarilyUnavailable(id) {
  try {
    const response = await fetch(thumbnailUrl(id));
    // 200: it came back meanwhile, so the next try shows it
    return response.ok || response.status === 503;
  } catch (e) {
    return true;
  }
}

function describe(hit) {
  const meta = document.createElement("div");
  meta.className = "meta";
  const score = document.createElement("span");
  score.className = "score";
  score.textContent = hit.score.toFixed(3);
  const id = document.createElement("span");
  id.className = "id";
  id.textContent = hit.id;
  meta.append(score, id);
  if (hit.text) {
    const caption = document.createElement("span");
    caption.className = "caption";
    caption.textContent = hit.text;
    meta.append(caption);
  }
  const keys = Object.keys(hit.metadata || {});
  if (keys.length) {
    const list = document.createElement("dl");
    for (const key of keys.sort()) {
      const term = document.createElement("dt");
      term.textContent = key;
      const value = document.createElement("dd");
      value.textContent = hit.metadata[key];
      list.append(term, value);
    }
    meta.append(list);
  }
  return meta;
}

/** Uses a result's thumbnail as the next query image, text cleared: "more like this". */
async function moreLikeThis(hit, button) {
  if (button.dataset.noImage) {
    showStatus("error", "NO_IMAGE: " + hit.id + " has no image to search with.");
    return;
  }
  const response = await fetch(thumbnailUrl(hit.id));
  if (!response.ok) {
    showStatus("error", "NO_IMAGE: the thumbnail of " + hit.id + " is not available (HTTP " + response.status + ").");
    return;
  }
  setQueryImage(await response.blob());
  textInput.value = "";
  await search();
  runButton.focus();
}

function takeFirstImage(files) {
  for (const file of files || []) {
    if (file.type.startsWith("image/")) {
      setQueryImage(file);
      return true;
    }
  }
  return false;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search();
});
fileInput.addEventListener("change", () => {
  if (!takeFirstImage(fileInput.files)) {
    setQueryImage(null);
  }
});
clearImage.addEventListener("click", () => {
  setQueryImage(null);
  fileInput.focus();
});
for (const type of ["dragenter", "dragover"]) {
  drop.addEventListener(type, (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
}
for (const type of ["dragleave", "drop"]) {
  drop.addEventListener(type, () => drop.classList.remove("over"));
}
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  if (!takeFirstImage(event.dataTransfer.files)) {
    showStatus("error", "That is not an image file.");
  }
});
document.addEventListener("paste", (event) => {
  const files = [...(event.clipboardData?.items || [])]
    .filter((item) => item.kind === "file")
    .map((item) => item.getAsFile());
  if (takeFirstImage(files)) {
    event.preventDefault();
  }
});
