// Electron entry point. Kept thin: the composition root lives in main/app/.
import { startDesktopApp } from './app/desktop'

startDesktopApp()
