export { ChatScreen } from './components/ChatScreen'
export { ThreadRow } from './components/ThreadRow'
export { groupThread, type ThreadItem } from './turns'
export { useChatStore, resetChatStore, startChatLiveUpdates, isBusy, toUiError, type UiError } from './store'
