package ui

import "time"

// goHome shows the home screen.
func (k *Kiosk) goHome() {
	if k.home == nil {
		k.home = &homeScreen{k: k, open: k.openTile}
	}
	k.show(k.home)
}

// openTile starts the transaction of a home tile.
func (k *Kiosk) openTile(id string) {
	_ = id
}

// wire starts the kiosk's background updates.
func (k *Kiosk) wire() {
	k.startClock(10 * time.Second)
}

// unwire stops what wire started.
func (k *Kiosk) unwire() {}
