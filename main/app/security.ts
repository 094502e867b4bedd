import type { Session, WebContents, WebPreferences } from 'electron'

/**
 * The Electron security checklist in one place, so the window, the session and the tests read
 * the same values.
 */

/** Content-Security-Policy for every renderer response (the HTML carries the same as a meta tag). */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * webPreferences of every window. `sandbox` is on whenever the preload is CommonJS; an ESM
 * preload (`index.mjs`) cannot run sandboxed, so it is off only in that case.
 */
export function secureWebPreferences(preload: string, sandbox: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  }
}

/**
 * True when an IPC message comes from our own renderer: the sending frame's URL must be the
 * renderer entry (file URL, query and hash ignored) or, in development, the dev-server origin.
 */
export function isTrustedSender(frameUrl: string | undefined, trusted: { fileUrl: string; devOrigin?: string }): boolean {
  if (!frameUrl) return false
  let url: URL
  try {
    url = new URL(frameUrl)
  } catch {
    return false
  }
  if (url.protocol === 'file:') {
    const expected = new URL(trusted.fileUrl)
    return url.pathname === expected.pathname && url.host === expected.host
  }
  return trusted.devOrigin !== undefined && url.origin === new URL(trusted.devOrigin).origin
}

/** Denies every permission request and check (camera, notifications, geolocation, …). */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
}

/** Blocks navigation, redirects, new windows and `<webview>` on one webContents. */
export function hardenWebContents(contents: WebContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    // Links to the web open in the user's browser; the app itself never gets a second window.
    if (/^https:\/\//.test(url)) openExternal(url)
    return { action: 'deny' }
  })
}
