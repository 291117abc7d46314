// The items of the Laravel API (/api/items, proxied by nginx), and a form that adds one.
import { Component, OnInit } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { FormsModule } from '@angular/forms';

interface Item {
  id: number;
  name: string;
  created_at: string;
}

@Component({
  selector: 'app-root',
  standalone: true,
  imports: [FormsModule],
  template: `
    <h1>berth showcase: Angular, Laravel, MariaDB</h1>
    <p class="meta">Rows below come from MariaDB through Laravel's <code>/api/items</code>.</p>
    @if (error) {
      <p class="error" data-test="error">{{ error }}</p>
    }
    @if (loaded) {
      <ul data-test="items">
        @for (item of items; track item.id) {
          <li data-test="item">{{ item.name }}</li>
        }
      </ul>
    } @else {
      <p>Loading…</p>
    }
    <form (ngSubmit)="add()">
      <input name="name" [(ngModel)]="name" placeholder="New item" data-test="name" />
      <button type="submit" [disabled]="saving || name.trim() === ''" data-test="add">Add</button>
    </form>
  `,
})
export class AppComponent implements OnInit {
  items: Item[] = [];
  loaded = false;
  saving = false;
  name = '';
  error = '';

  constructor(private readonly http: HttpClient) {}

  ngOnInit(): void {
    this.load();
  }

  load(): void {
    this.http.get<Item[]>('/api/items').subscribe({
      next: (items) => {
        this.items = items;
        this.loaded = true;
        this.error = '';
      },
      error: (e: { message?: string }) => (this.error = `cannot load the items: ${e.message ?? e}`),
    });
  }

  add(): void {
    this.saving = true;
    this.http.post<Item>('/api/items', { name: this.name.trim() }).subscribe({
      next: (item) => {
        this.items = [...this.items, item];
        this.name = '';
        this.saving = false;
      },
      error: (e: { error?: { message?: string }; message?: string }) => {
        this.error = `cannot add the item: ${e.error?.message ?? e.message ?? e}`;
        this.saving = false;
      },
    });
  }
}
