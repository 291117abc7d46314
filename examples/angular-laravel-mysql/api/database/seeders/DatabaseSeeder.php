<?php

namespace Database\Seeders;

use App\Models\Item;
use Illuminate\Database\Seeder;

class DatabaseSeeder extends Seeder
{
    // Runs on every start: it seeds only an empty table, so rows added later are kept.
    public function run()
    {
        if (Item::query()->exists()) {
            return;
        }
        foreach (['Harbour crane', 'Mooring line', 'Pilot boat'] as $name) {
            Item::create(['name' => $name]);
        }
    }
}
