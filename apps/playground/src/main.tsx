import { render } from "preact";
import { App } from "./ui/App.js";
import "./styles.css";

const root = document.querySelector<HTMLElement>("#app");
if (root) render(<App />, root);
