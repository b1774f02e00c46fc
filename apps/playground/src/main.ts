// The playground's panels (completion, KV block map, queues, charts) arrive with issue 12;
// until then the page says so rather than pretending to talk to a server.
const app = document.querySelector<HTMLElement>("#app");
if (app) {
  app.textContent =
    "The Pagoda playground is not built yet: it needs the server (issue 10) and lands with issue 12.";
}
