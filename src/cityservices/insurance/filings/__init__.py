"""异地就医备案: filing for treatment in another region, the ratio preview and direct settlement there."""
