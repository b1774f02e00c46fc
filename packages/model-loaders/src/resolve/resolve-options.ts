/** One progress report of a download. */
export interface DownloadProgress {
  /** The file being downloaded. */
  readonly file: string;
  /** Bytes received so far, all files together. */
  readonly bytes: number;
  /** Bytes of all files to download. */
  readonly totalBytes: number;
}

/** How a hub id is resolved to a folder: the Hugging Face cache, then the hub. */
export interface ResolveOptions {
  /** Hub cache folder; default `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`. */
  cacheDir?: string;
  /** Branch, tag or commit; default `"main"`. */
  revision?: string;
  /** Hub endpoint; default `$HF_ENDPOINT` or `https://huggingface.co`. */
  hubUrl?: string;
  /** Download when not cached; default true unless `HF_HUB_OFFLINE` is set. */
  download?: boolean;
  /** Token for gated or private models; default `$HF_TOKEN`. */
  accessToken?: string;
  /** `true`: a progress bar on stderr (default: when stderr is a terminal); a function: reports. */
  progress?: boolean | ((progress: DownloadProgress) => void);
  /** Custom fetch (proxies, tests). */
  fetch?: typeof fetch;
}
